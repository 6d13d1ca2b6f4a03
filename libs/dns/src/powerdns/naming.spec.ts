import { addressRecordType, canonicalIp, composeHostname, forwardFqdn, reverseName, sameAddress } from './naming';
import { reverseZone } from './reverse-zone';

describe('record naming (§6.6, §6.7)', () => {
  it('composes <hostname>[.<dnszoneprefix>].<dnszone>.', () => {
    expect(forwardFqdn(composeHostname('vm1'), 'mydomain.com')).toBe('vm1.mydomain.com.');
    expect(forwardFqdn(composeHostname('vm1', 'lab'), 'mydomain.com')).toBe('vm1.lab.mydomain.com.');
    expect(forwardFqdn('vm1', 'mydomain.com.')).toBe('vm1.mydomain.com.');
    // An already-composed name is not prefixed twice.
    expect(composeHostname('vm1.lab', 'lab')).toBe('vm1.lab');
  });

  it('picks AAAA for IPv6 and A otherwise, canonicalising the address', () => {
    expect(addressRecordType('10.0.0.1')).toBe('A');
    expect(addressRecordType('2001:db8::1')).toBe('AAAA');
    expect(canonicalIp('2001:0db8:0000::0001')).toBe('2001:db8::1');
    expect(sameAddress('2001:db8::1', '2001:db8:0:0::1')).toBe(true);
    expect(sameAddress('10.0.0.1', '10.0.0.2')).toBe(false);
    expect(() => canonicalIp('10.0.0.300')).toThrow("invalid ip address '10.0.0.300'");
  });

  it('builds full reverse names', () => {
    expect(reverseName('10.0.0.1')).toBe('1.0.0.10.in-addr.arpa.');
    expect(reverseName('2001:4860:4860::8888')).toBe('8.8.8.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.8.4.0.6.8.4.1.0.0.2.ip6.arpa.');
  });
});

describe('reverse zone (§6.6, Appendix B.1/B.2)', () => {
  it('maps RFC 1918 subnets to serve-rfc1918 zones keyed on the first octet', () => {
    expect(reverseZone('10.0.3.0/24', '10.0.3.100')).toBe('10.in-addr.arpa.');
    expect(reverseZone('172.20.0.0/16', '172.20.1.1')).toBe('16-31.172.in-addr.arpa.');
    expect(reverseZone('192.168.5.0/24', '192.168.5.7')).toBe('168.192.in-addr.arpa.');
  });

  it('uses the /24 zone of the address for public prefixes up to /24, none beyond', () => {
    expect(reverseZone('203.0.113.0/24', '203.0.113.9')).toBe('113.0.203.in-addr.arpa.');
    // The reference's /16 and /8 branches are unreachable: still the /24 zone.
    expect(reverseZone('198.18.0.0/15', '198.19.7.1')).toBe('7.19.198.in-addr.arpa.');
    expect(reverseZone('203.0.113.0/25', '203.0.113.9')).toBe('');
    // A subnet only partly inside 10/8 space is not RFC 1918 as a whole.
    expect(reverseZone('8.0.0.0/6', '10.1.2.3')).toBe('2.1.10.in-addr.arpa.');
  });

  it('derives IPv6 zones from the subnet prefix; reversemaskv6 only checks multiples of 4', () => {
    expect(reverseZone('2001:db8::/64', '2001:db8::5')).toBe('0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(reverseZone('2001:db8:1:2::1/48', '2001:db8:1:2::5')).toBe('1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(reverseZone('2001:db8::/64', '2001:db8::5', 48)).toBe('0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    expect(() => reverseZone('2001:db8::/62', '2001:db8::5')).toThrow('reverse dns zone mask need to be a multiple of 4');
    // With a nibble-aligned reversemaskv6 a /62 passes the check and gets the zone above it (whole nibbles).
    expect(reverseZone('2001:db8::/62', '2001:db8::5', 64)).toBe('0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
  });
});
