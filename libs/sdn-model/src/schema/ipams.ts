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
  idDescription: 'IPAM ID: a letter, then letters or digits, 2 to 64 characters (`pve` is the built-in IPAM).',
  idFormat: 'ipam-id',
  checkId: checkIpamId,
  properties: {
    url: { kind: 'string', format: 'http-url', description: 'API URL: phpIPAM http(s)://host/api/<app>, NetBox http(s)://host/api.' },
    token: { kind: 'string', writeOnly: true, description: 'API token (answers never contain it).' },
    section: { kind: 'integer', min: 1, description: 'phpIPAM section ID.' },
    fingerprint: { kind: 'string', format: 'fingerprint-sha256', upperCase: true, description: 'SHA-256 fingerprint the server\'s certificate must have.' },
  },
  types: {
    pve: { required: [], optional: [] },
    phpipam: { required: ['url', 'token', 'section'], optional: ['fingerprint'] },
    netbox: { required: ['url', 'token'], optional: ['fingerprint'] },
  },
};
