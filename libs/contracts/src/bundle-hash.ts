import { createHash, type Hash } from 'node:crypto';
import type { NodeBundleFilesV1 } from './messages';

/**
 * `NodeBundleV1.hash`: sha256 (hex) of the bundle's files. Defined here so the
 * config service (which skips unchanged bundles) and the node agent (which
 * verifies what it received) compute it the same way. The texts are hashed
 * as they are, framed by their UTF-8 byte lengths (a JSON encoding of
 * multi-MB files costs more than the hash itself); "no frr file" adds
 * nothing, an empty one adds its zero length, so the two stay apart.
 */
export function bundleContentHash(files: NodeBundleFilesV1, interfacesHead = ''): string {
  // `interfacesHead`: the hash of files whose interfaces file is head + files.interfaces, without joining the
  // two (a version line and a multi-10-KB rest the config service re-versions on every node of an apply).
  const h = createHash('sha256')
    .update(`sdn-bundle-files/1 ${Buffer.byteLength(interfacesHead) + Buffer.byteLength(files.interfaces)}\n`)
    .update(interfacesHead)
    .update(files.interfaces);
  if (files.frr !== undefined) h.update(`\n${Buffer.byteLength(files.frr)}\n`).update(files.frr);
  if (files.dnsmasq) hashDnsmasq(h, Object.entries(files.dnsmasq).map(([p, t]) => [p, Buffer.from(t, 'utf8')]));
  return h.digest('hex');
}

/** `bundleContentHash` of the files' UTF-8 bytes (`frr` null: no frr file), without decoding them. */
export function bundleBytesHash(interfaces: Uint8Array, frr: Uint8Array | null, dnsmasq?: Record<string, Uint8Array>): string {
  const h = createHash('sha256').update(`sdn-bundle-files/1 ${interfaces.length}\n`).update(interfaces);
  if (frr) h.update(`\n${frr.length}\n`).update(frr);
  if (dnsmasq) hashDnsmasq(h, Object.entries(dnsmasq));
  return h.digest('hex');
}

/**
 * The dnsmasq files in path order, each framed by its path and length; no
 * dnsmasq files add nothing, so bundles without DHCP keep their hash.
 */
function hashDnsmasq(h: Hash, entries: [string, Uint8Array][]): void {
  h.update('\ndnsmasq');
  for (const [path, bytes] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`\n${JSON.stringify(path)} ${bytes.length}\n`).update(bytes);
}

/**
 * Headers the config service sets on every bundle, so the latest hash and
 * version per node can be read without fetching the (large) bundles.
 */
export const BUNDLE_HASH_HEADER = 'Sdn-Bundle-Hash';
export const BUNDLE_VERSION_HEADER = 'Sdn-Bundle-Version';
/**
 * On full bundles: `bundleContentKey` of the bundle, what the config service
 * compares to send a version-only message instead. Absent (bundles of an
 * older config service): the next bundle is a full one.
 */
export const BUNDLE_CONTENT_KEY_HEADER = 'Sdn-Bundle-Content-Key';
/** On version-only messages: the hash of the full bundle they re-version. */
export const BUNDLE_BASE_HASH_HEADER = 'Sdn-Bundle-Base-Hash';
