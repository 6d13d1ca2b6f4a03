import { checkIpamId } from './formats';
import type { KindSchema } from './kind';

/** The built-in IPAM, which always exists (§1.12). */
export const BUILTIN_IPAM = 'pve';

/**
 * §2.6. Fingerprints are stored upper-case: the reference compares them
 * case-sensitively against an upper-case digest, so a lower-case pin never
 * matches (B.12).
 */
export const IPAM_SCHEMA: KindSchema = {
  kind: 'ipams',
  idParam: 'ipam',
  label: 'ipam',
  checkId: checkIpamId,
  properties: {
    url: { kind: 'string', format: 'http-url' },
    token: { kind: 'string' },
    section: { kind: 'integer', min: 1 },
    fingerprint: { kind: 'string', format: 'fingerprint-sha256', upperCase: true },
  },
  types: {
    pve: { required: [], optional: [] },
    phpipam: { required: ['url', 'token', 'section'], optional: ['fingerprint'] },
    netbox: { required: ['url', 'token'], optional: ['fingerprint'] },
  },
};
