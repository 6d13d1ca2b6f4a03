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
  idDescription: 'DNS server ID: a letter, then letters or digits, 2 to 64 characters.',
  idFormat: 'dns-id',
  checkId: checkDnsId,
  properties: {
    url: { kind: 'string', format: 'http-url', description: 'PowerDNS API URL, e.g. http://host:8081/api/v1/servers/localhost.' },
    key: { kind: 'string', writeOnly: true, description: 'PowerDNS API key, sent as X-API-Key (answers never contain it).' },
    ttl: { kind: 'integer', min: 0, max: 2147483647, default: 14400, description: 'TTL of the records created (0: the default).' },
    reversemaskv6: { kind: 'integer', min: 4, max: 128, multipleOf: 4, multipleMessage: 'reverse dns zone mask need to be a multiple of 4', description: 'Prefix length of the IPv6 reverse zones (a multiple of 4).' },
    fingerprint: { kind: 'string', format: 'fingerprint-sha256', upperCase: true, description: 'SHA-256 fingerprint the server\'s certificate must have.' },
    reversev6mask: { kind: 'integer', description: 'In the reference\'s schema but used by no type: always refused.' },
  },
  types: {
    powerdns: { required: ['url', 'key'], optional: ['ttl', 'reversemaskv6', 'fingerprint'] },
  },
};
