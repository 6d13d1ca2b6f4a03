/**
 * Free addresses of a subnet: its size less network and broadcast (IPv4 below
 * /31) less the allocated entries (the gateway is one of them). BigInt: an
 * IPv6 /64 has 2^64 addresses.
 */
export function freeCount(cidr: string, allocated: number): bigint {
  const [addr, lenText] = cidr.split('/');
  const len = Number(lenText);
  const bits = addr.includes(':') ? 128 : 32;
  if (!Number.isInteger(len) || len < 0 || len > bits) return 0n;
  const size = 1n << BigInt(bits - len);
  const reserved = bits === 32 && len < 31 ? 2n : bits === 128 && len < 127 ? 1n : 0n;
  const free = size - reserved - BigInt(allocated);
  return free < 0n ? 0n : free;
}
