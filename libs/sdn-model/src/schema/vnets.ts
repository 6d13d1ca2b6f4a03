import { checkVnetId } from './formats';
import type { KindSchema } from './kind';
import { VNI_MAX } from './zones';

/**
 * The reference's alias pattern `[()-_.\w\d\s]{0,256}` admits the range
 * `)`..`_` (B.20) — kept, so every alias it stored stays valid — but also any
 * whitespace, including newlines, which would inject lines into the rendered
 * `alias` option. Only the plain space is allowed here.
 */
const ALIAS_RE = /^[()-_.\p{L}\p{N}_ ]{0,256}$/u;

/** §2.3. `zone` is required: a vnet without zone is never rendered. */
export const VNET_SCHEMA: KindSchema = {
  kind: 'vnets',
  idParam: 'vnet',
  label: 'vnet',
  checkId: checkVnetId,
  implicitType: 'vnet',
  properties: {
    zone: { kind: 'string', format: 'zone-id' },
    tag: { kind: 'integer', min: 1, max: VNI_MAX },
    alias: { kind: 'string', maxLength: 256, pattern: ALIAS_RE },
    vlanaware: { kind: 'boolean' },
    'isolate-ports': { kind: 'boolean' },
  },
  types: {
    vnet: { required: ['zone'], optional: ['tag', 'alias', 'vlanaware', 'isolate-ports'] },
  },
};
