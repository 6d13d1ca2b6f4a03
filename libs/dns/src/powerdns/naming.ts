import ipaddr from 'ipaddr.js';

/**
 * Record naming of the reference's DNS integration (§6.6, §6.7). Pure
 * functions; all IP handling goes through ipaddr.js so every textual form of an
 * address (IPv4-mapped, compressed or not) yields the same names.
 */

export type AddressRecordType = 'A' | 'AAAA';

/** Parses an address; throws with the reference's wording on garbage so callers can surface it. */
export function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (typeof ip !== 'string' || !ipaddr.isValid(ip.trim())) throw new Error(`invalid ip address '${ip}'`);
  return ipaddr.parse(ip.trim());
}

/** Canonical text of an address (RFC 5952 for IPv6), as PowerDNS returns record contents. */
export function canonicalIp(ip: string): string {
  return parseAddress(ip).toString();
}

/** `AAAA` for IPv6 addresses, else `A` (§6.6). */
export function addressRecordType(ip: string): AddressRecordType {
  return parseAddress(ip).kind() === 'ipv6' ? 'AAAA' : 'A';
}

/**
 * The hostname as the IPAM stores and DNS publishes it: `<hostname>.<dnszoneprefix>`
 * when the subnet has a prefix (§6.7). A hostname that already carries the
 * prefix is left alone, so an event from a producer that composed the name
 * itself does not end up as `host.prefix.prefix`.
 */
export function composeHostname(hostname: string, dnszoneprefix?: string): string {
  const prefix = stripDots(dnszoneprefix ?? '');
  const host = stripDots(hostname);
  if (!prefix) return host;
  if (host.toLowerCase().endsWith(`.${prefix.toLowerCase()}`)) return host;
  return `${host}.${prefix}`;
}

/** `<hostname>.<dnszone>.` — the rrset name of the forward record (§6.6). */
export function forwardFqdn(hostname: string, dnszone: string): string {
  return `${stripDots(hostname)}.${stripDots(dnszone)}.`;
}

/**
 * Full reverse-lookup name of an address: `d.c.b.a.in-addr.arpa.` or the 32
 * nibbles in reverse order followed by `ip6.arpa.`. An IPv4-mapped IPv6
 * address is still an IPv6 address here, as in the reference (Net::IP).
 */
export function reverseName(ip: string): string {
  const addr = parseAddress(ip);
  if (addr.kind() === 'ipv4') return `${[...addr.toByteArray()].reverse().join('.')}.in-addr.arpa.`;
  return `${nibbles(addr as ipaddr.IPv6).reverse().join('.')}.ip6.arpa.`;
}

/** The 32 hex nibbles of an IPv6 address, most significant first. */
export function nibbles(addr: ipaddr.IPv6): string[] {
  return addr.toByteArray().flatMap((b) => [(b >> 4).toString(16), (b & 15).toString(16)]);
}

/** Two names are the same DNS name regardless of case and of a trailing dot. */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** The form in which sameName compares names, for lookups by name. */
export function nameKey(name: string): string {
  return stripDots(name).toLowerCase();
}

/** Same address regardless of notation (`2001:db8::1` vs `2001:0db8:0:0::1`). */
export function sameAddress(a: string, b: string): boolean {
  if (!ipaddr.isValid(a) || !ipaddr.isValid(b)) return a === b;
  const x = ipaddr.parse(a);
  const y = ipaddr.parse(b);
  return x.kind() === y.kind() && x.toString() === y.toString();
}

function stripDots(s: string): string {
  return String(s).trim().replace(/^\.+|\.+$/g, '');
}
