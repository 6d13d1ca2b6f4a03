import { checkDnsId } from './formats';
import type { KindSchema } from './kind';

/**
 * §2.7. `reversev6mask` is in the reference's namespace but used by no type,
 * so it is always `unexpected`. `reversemaskv6` must be a multiple of 4 (a
 * nibble boundary of ip6.arpa), which the reference only finds out when a
 * record is registered (B.1). TTLs are 31-bit (RFC 2181 §8); 0 means default.
 */
export const DNS_SCHEMA: KindSchema = {
  kind: 'dns',
  idParam: 'dns',
  label: 'dns',
  checkId: checkDnsId,
  properties: {
    url: { kind: 'string', format: 'http-url' },
    key: { kind: 'string' },
    ttl: { kind: 'integer', min: 0, max: 2147483647 },
    reversemaskv6: { kind: 'integer', min: 4, max: 128, multipleOf: 4, multipleMessage: 'reverse dns zone mask need to be a multiple of 4' },
    fingerprint: { kind: 'string', format: 'fingerprint-sha256', upperCase: true },
    reversev6mask: { kind: 'integer' },
  },
  types: {
    powerdns: { required: ['url', 'key'], optional: ['ttl', 'reversemaskv6', 'fingerprint'] },
  },
};
