import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';
import { bundleBytesHash, bundleContentHash } from './bundle-hash';
import {
  BUNDLE_ENCODING_GZIP_V1,
  nodeBundleContentV1Schema,
  type InlineNodeBundleV1,
  type NodeBundleContentV1,
  type NodeBundleEncoding,
  type NodeBundleScopeV1,
  type NodeBundleV1,
} from './messages';
import { any, check, ContractViolation, int, mapOf, object, optional } from './schema';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Contract name in errors about a bundle's packed content. */
export const BUNDLE_CONTENT_CONTRACT = 'NodeBundle/v1 content';

/** Unpacked content above this is refused: a corrupt or hostile bundle must not exhaust the agent's memory. */
export const MAX_UNPACKED_BUNDLE_BYTES = 512 * 1024 * 1024;

/**
 * Packs a bundle's content with `encoding` (see BUNDLE_ENCODING_GZIP_V1).
 * Level 1 is chosen for time: the config service packs one bundle per node
 * per apply, and the repetitive stanza text already shrinks ~30x at level 1
 * (higher levels gain a little size for several times the CPU).
 */
export async function packNodeBundle(bundle: InlineNodeBundleV1, encoding: NodeBundleEncoding = BUNDLE_ENCODING_GZIP_V1): Promise<NodeBundleV1> {
  if (encoding !== BUNDLE_ENCODING_GZIP_V1) throw new Error(`unknown bundle encoding ${String(encoding)}`);
  const { files, scope, ...head } = bundle;
  const interfaces = Buffer.from(files.interfaces, 'utf8');
  const frr = files.frr === undefined ? null : Buffer.from(files.frr, 'utf8');
  const dnsmasq = files.dnsmasq ? Object.entries(files.dnsmasq).map(([p, t]) => [p, Buffer.from(t, 'utf8')] as const) : undefined;
  const header: FrameHeader = {
    interfaces: interfaces.length,
    frr: frr ? frr.length : null,
    ...(scope ? { scope } : {}),
    ...(dnsmasq ? { dnsmasq: Object.fromEntries(dnsmasq.map(([p, b]) => [p, b.length])) } : {}),
  };
  const frame = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), interfaces, ...(frr ? [frr] : []), ...(dnsmasq ?? []).map(([, b]) => b)]);
  // Large output chunks: fewer round trips between the zlib thread and the event loop.
  const gz = await gzipAsync(frame, { level: constants.Z_BEST_SPEED, chunkSize: 256 * 1024 });
  return { ...head, encoding, packed: gz.toString('base64') };
}

interface FrameHeader {
  interfaces: number;
  frr: number | null;
  scope?: unknown;
  /** Path → byte length of each dnsmasq file, in the order their bytes follow frr's. */
  dnsmasq?: Record<string, number>;
}

const frameHeaderSchema = object({ interfaces: int, frr: optional(int), scope: any, dnsmasq: optional(mapOf(int)) });

/** A bundle's files as UTF-8 bytes, as they travel (see unpackNodeBundleBytes). */
export interface NodeBundleFileBytes {
  interfaces: Buffer;
  frr?: Buffer;
  dnsmasq?: Record<string, Buffer>;
}

/** A bundle with its content inline and its files as bytes. */
export type ByteNodeBundleV1 = Omit<InlineNodeBundleV1, 'files'> & { files: NodeBundleFileBytes };

/** The content of a gzip-base64/v1 frame, or a description of what is wrong with it. */
type FrameRead = { files: NodeBundleFileBytes; scope?: unknown; hash: string } | { problems: Record<string, string> };

function readFrame(frame: Buffer): FrameRead {
  const nl = frame.indexOf(0x0a);
  if (nl < 0) return { problems: { packed: 'frame has no header line' } };
  let header: FrameHeader;
  try {
    header = JSON.parse(frame.subarray(0, nl).toString('utf8')) as FrameHeader;
  } catch {
    return { problems: { packed: 'frame header is not JSON' } };
  }
  const problems = check(frameHeaderSchema, header);
  if (Object.keys(problems).length) return { problems: Object.fromEntries(Object.entries(problems).map(([k, v]) => [`packed.${k}`, v])) };
  const start = nl + 1;
  const dnsmasqSizes = Object.entries(header.dnsmasq ?? {});
  const frrEnd = start + header.interfaces + (header.frr ?? 0);
  const end = frrEnd + dnsmasqSizes.reduce((n, [, size]) => n + size, 0);
  if (end !== frame.length) return { problems: { packed: `frame holds ${frame.length - start} bytes of files, its header says ${end - start}` } };
  const interfaces = frame.subarray(start, start + header.interfaces);
  const frr = header.frr === null || header.frr === undefined ? null : frame.subarray(start + header.interfaces, frrEnd);
  const files: NodeBundleFileBytes = frr ? { interfaces, frr } : { interfaces };
  if (header.dnsmasq) {
    let at = frrEnd;
    files.dnsmasq = {};
    for (const [path, size] of dnsmasqSizes) files.dnsmasq[path] = frame.subarray(at, (at += size));
  }
  // Hashed as bytes: the same value as bundleContentHash(files), without encoding the texts again.
  return { files, ...(header.scope === undefined ? {} : { scope: header.scope }), hash: bundleBytesHash(interfaces, frr, files.dnsmasq) };
}

/**
 * The bundle with its content inline, whatever its encoding. Throws
 * ContractViolation when the packed data does not decode to content that
 * satisfies the contract, or when the files are not the ones the bundle's
 * hash names (damaged or edited in transit, or a publisher bug).
 */
export async function unpackNodeBundle(bundle: NodeBundleV1): Promise<InlineNodeBundleV1> {
  if (bundle.encoding === undefined) return unpackInline(bundle);
  const b = await unpackNodeBundleBytes(bundle);
  const files: NodeBundleContentV1['files'] = { interfaces: b.files.interfaces.toString('utf8') };
  if (b.files.frr) files.frr = b.files.frr.toString('utf8');
  if (b.files.dnsmasq) files.dnsmasq = Object.fromEntries(Object.entries(b.files.dnsmasq).map(([p, bytes]) => [p, bytes.toString('utf8')]));
  return { ...b, files };
}

/**
 * unpackNodeBundle with the files left as the UTF-8 bytes they travel as,
 * for a reader that only stores them (the node agent writes them to disk):
 * decoding a multi-MB text to encode it again is most of an unpack's cost.
 * The same checks as unpackNodeBundle.
 */
export async function unpackNodeBundleBytes(bundle: NodeBundleV1): Promise<ByteNodeBundleV1> {
  const { encoding, packed, files: _files, scope: _scope, ...head } = bundle;
  if (encoding === undefined) {
    const inline = unpackInline(bundle);
    const files: NodeBundleFileBytes = { interfaces: Buffer.from(inline.files.interfaces, 'utf8') };
    if (inline.files.frr !== undefined) files.frr = Buffer.from(inline.files.frr, 'utf8');
    if (inline.files.dnsmasq) files.dnsmasq = Object.fromEntries(Object.entries(inline.files.dnsmasq).map(([p, t]) => [p, Buffer.from(t, 'utf8')]));
    return { ...inline, files };
  }
  if (encoding !== BUNDLE_ENCODING_GZIP_V1) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, { encoding: `unknown encoding ${String(encoding)}` });
  let frame: Buffer;
  try {
    frame = await gunzipAsync(Buffer.from(packed ?? '', 'base64'), { maxOutputLength: MAX_UNPACKED_BUNDLE_BYTES, chunkSize: 1024 * 1024 });
  } catch (e) {
    throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, { packed: `does not decode as ${encoding}: ${(e as Error).message}` });
  }
  const read = readFrame(frame);
  if ('problems' in read) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, read.problems);
  // The scope came through JSON: check it like an inline one (the files are bytes of the sizes the header gave).
  const problems = check(nodeBundleContentV1Schema, { files: { interfaces: '' }, ...(read.scope === undefined ? {} : { scope: read.scope }) });
  if (Object.keys(problems).length) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, problems);
  if (read.hash !== head.hash) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, HASH_MISMATCH);
  return { ...head, files: read.files, ...(read.scope ? { scope: read.scope as NodeBundleScopeV1 } : {}) };
}

function unpackInline(bundle: NodeBundleV1): InlineNodeBundleV1 {
  const { encoding: _encoding, packed: _packed, files, scope, ...head } = bundle;
  if (!files) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, { files: 'must be an object' });
  if (bundleContentHash(files) !== head.hash) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, HASH_MISMATCH);
  return { ...head, files, ...(scope ? { scope } : {}) };
}

const HASH_MISMATCH = { hash: 'does not match the files' };
