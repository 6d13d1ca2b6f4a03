import ipaddr from 'ipaddr.js';
import { nibbles, parseAddress } from './naming';

/**
 * Reverse zone in which the PTR of `ip` (inside subnet `cidr`) is published,
 * exactly as the reference computes it (§6.6, Appendix B.1/B.2), quirks included:
 *
 * - IPv4 in RFC 1918 space maps to PowerDNS' "serve-rfc1918" style zones keyed
 *   on the first octet of the address.
 * - IPv4 public space: prefix ≤ 24 → always the /24 zone of the address;
 *   prefix > 24 → '' (no reverse zone, so PTR handling is skipped).
 * - IPv6: the effective mask (`reversemaskv6` when set, else the subnet
 *   prefix) must be a multiple of 4, but the zone name is always the nibble
 *   reverse of the subnet network at the subnet's own prefix length
 *   (whole nibbles only, like Net::IP's reverse_ip).
 */
export function reverseZone(cidr: string, ip: string, reversemaskv6?: number): string {
  const [network, prefix] = parseCidr(cidr);
  const addr = parseAddress(ip);
  if (addr.kind() === 'ipv4') {
    if (network.kind() !== 'ipv4') throw new Error(`ip ${ip} does not match the family of subnet ${cidr}`);
    const octets = addr.toByteArray();
    if (isRfc1918(network as ipaddr.IPv4, prefix)) {
      // Keyed on the address, not on the subnet: that is what the reference does.
      if (octets[0] === 10) return '10.in-addr.arpa.';
      if (octets[0] === 172) return '16-31.172.in-addr.arpa.';
      if (octets[0] === 192) return '168.192.in-addr.arpa.';
      return '';
    }
    // The reference's /16 and /8 branches sit behind `mask <= 24` and never run.
    if (prefix <= 24) return `${octets[2]}.${octets[1]}.${octets[0]}.in-addr.arpa.`;
    return '';
  }
  if (network.kind() !== 'ipv6') throw new Error(`ip ${ip} does not match the family of subnet ${cidr}`);
  const mask = reversemaskv6 && reversemaskv6 > 0 ? reversemaskv6 : prefix;
  if (mask % 4 !== 0) throw new Error('reverse dns zone mask need to be a multiple of 4');
  const net = ipaddr.IPv6.networkAddressFromCIDR(`${network.toString()}/${prefix}`);
  const kept = nibbles(net).slice(0, Math.floor(prefix / 4));
  return `${[...kept.reverse(), 'ip6', 'arpa'].join('.')}.`;
}

const RFC1918: Array<[string, number]> = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];

/** True when the whole subnet lies inside one RFC 1918 block (NetAddr::IP's is_rfc1918). */
function isRfc1918(network: ipaddr.IPv4, prefix: number): boolean {
  return RFC1918.some(([block, len]) => prefix >= len && network.match(ipaddr.IPv4.parse(block), len));
}

/** Subnets are stored unnormalised (`10.0.0.5/24`, §3.4); only the prefix and family matter here. */
function parseCidr(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  try {
    return ipaddr.parseCIDR(String(cidr).trim());
  } catch {
    throw new Error(`invalid subnet '${cidr}'`);
  }
}
