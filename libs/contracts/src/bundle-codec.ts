import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';
import { bundleBytesHash, bundleContentHash } from './bundle-hash';
import {
  BUNDLE_ENCODING_GZIP_V1,
  nodeBundleContentV1Schema,
  type InlineNodeBundleV1,
  type NodeBundleContentV1,
  type NodeBundleEncoding,
  type NodeBundleV1,
} from './messages';
import { any, check, ContractViolation, int, object, optional } from './schema';

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
  const header: FrameHeader = { interfaces: interfaces.length, frr: frr ? frr.length : null, ...(scope ? { scope } : {}) };
  const frame = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), interfaces, ...(frr ? [frr] : [])]);
  // Large output chunks: fewer round trips between the zlib thread and the event loop.
  const gz = await gzipAsync(frame, { level: constants.Z_BEST_SPEED, chunkSize: 256 * 1024 });
  return { ...head, encoding, packed: gz.toString('base64') };
}

interface FrameHeader {
  interfaces: number;
  frr: number | null;
  scope?: unknown;
}

const frameHeaderSchema = object({ interfaces: int, frr: optional(int), scope: any });

/** The content of a gzip-base64/v1 frame, or a description of what is wrong with it. */
type FrameRead = { content: NodeBundleContentV1; hash: string } | { problems: Record<string, string> };

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
  const end = start + header.interfaces + (header.frr ?? 0);
  if (end !== frame.length) return { problems: { packed: `frame holds ${frame.length - start} bytes of files, its header says ${end - start}` } };
  const interfaces = frame.subarray(start, start + header.interfaces);
  const frr = header.frr === null || header.frr === undefined ? null : frame.subarray(start + header.interfaces, end);
  const files: NodeBundleContentV1['files'] = { interfaces: interfaces.toString('utf8') };
  if (frr) files.frr = frr.toString('utf8');
  // Hashed as bytes: the same value as bundleContentHash(files), without encoding the texts again.
  return { content: header.scope === undefined ? { files } : ({ files, scope: header.scope } as NodeBundleContentV1), hash: bundleBytesHash(interfaces, frr) };
}

/**
 * The bundle with its content inline, whatever its encoding. Throws
 * ContractViolation when the packed data does not decode to content that
 * satisfies the contract, or when the files are not the ones the bundle's
 * hash names (damaged or edited in transit, or a publisher bug).
 */
export async function unpackNodeBundle(bundle: NodeBundleV1): Promise<InlineNodeBundleV1> {
  const { encoding, packed, files, scope, ...head } = bundle;
  if (encoding === undefined) {
    if (!files) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, { files: 'must be an object' });
    if (bundleContentHash(files) !== head.hash) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, HASH_MISMATCH);
    return { ...head, files, ...(scope ? { scope } : {}) };
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
  const content = read.content;
  // The scope came through JSON: check it like an inline one.
  const problems = check(nodeBundleContentV1Schema, content);
  if (Object.keys(problems).length) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, problems);
  if (read.hash !== head.hash) throw new ContractViolation(BUNDLE_CONTENT_CONTRACT, HASH_MISMATCH);
  return { ...head, files: content.files, ...(content.scope ? { scope: content.scope } : {}) };
}

const HASH_MISMATCH = { hash: 'does not match the files' };
