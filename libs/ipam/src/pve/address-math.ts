import * as ipaddr from 'ipaddr.js';

/** Address <-> BigInt via ipaddr's byte arrays: lets Postgres store numeric(39) and compare. */
export function ipToBigInt(ip: string): bigint {
  return ipaddr.parse(ip).toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

export function bigIntToIp(n: bigint, family: 4 | 6): string {
  const len = family === 4 ? 4 : 16;
  const bytes: number[] = new Array(len);
  for (let i = len - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  // IPv6 toString() is the compressed lower-case form the reference uses as key (§6.3).
  return ipaddr.fromByteArray(bytes).toString();
}

export interface SubnetBounds {
  family: 4 | 6;
  /** first address handed out by whole-subnet next-free */
  first: bigint;
  /** last address handed out by whole-subnet next-free */
  last: bigint;
  network: bigint;
  broadcast: bigint;
}

/**
 * Candidate window of the whole-subnet next-free algorithm (§6.3): IPv4 starts after the
 * (un-normalised) id address, IPv6 at it; both stop at broadcast − 1; an IPv4 /32 is its own
 * only candidate.
 */
export function subnetBounds(cidr: string): SubnetBounds {
  const [addrText, lenText] = cidr.split('/');
  const addr = ipaddr.parse(addrText);
  const family = addr.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const len = Number(lenText);
  const a = ipToBigInt(addrText);
  const hostMask = (1n << BigInt(bits - len)) - 1n;
  const network = a & ~hostMask;
  const broadcast = network | hostMask;
  if (family === 4 && len === 32) return { family, first: a, last: a, network, broadcast };
  // The reference's walk checks after stepping, so a /31 yields its upper address (§6.3 example).
  if (family === 4 && len === 31) return { family, first: a + 1n, last: broadcast, network, broadcast };
  return { family, first: family === 4 ? a + 1n : a, last: broadcast - 1n, network, broadcast };
}

export function familyOf(ip: string): 4 | 6 {
  return ipaddr.parse(ip).kind() === 'ipv4' ? 4 : 6;
}

/** True if `ip` lies inside the network of `cidr` (same family). */
export function inSubnet(ip: string, cidr: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const b = subnetBounds(cidr);
  if (familyOf(ip) !== b.family) return false;
  const n = ipToBigInt(ip);
  return n >= b.network && n <= b.broadcast;
}

export function canonicalIp(ip: string): string {
  return ipaddr.parse(ip).toString();
}
