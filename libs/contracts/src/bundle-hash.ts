import { createHash } from 'node:crypto';
import type { NodeBundleV1 } from './messages';

/**
 * `NodeBundleV1.hash`: sha256 (hex) of the bundle's files. Defined here so the
 * config service (which skips unchanged bundles) and the node agent (which may
 * verify what it received) compute it the same way. The JSON array keeps
 * "no frr file" (null) apart from "empty frr file" ("").
 */
export function bundleContentHash(files: NodeBundleV1['files']): string {
  return createHash('sha256')
    .update(JSON.stringify([files.interfaces, files.frr ?? null]))
    .digest('hex');
}

/**
 * Headers the config service sets on every bundle, so the latest hash and
 * version per node can be read without fetching the (large) bundles.
 */
export const BUNDLE_HASH_HEADER = 'Sdn-Bundle-Hash';
export const BUNDLE_VERSION_HEADER = 'Sdn-Bundle-Version';
