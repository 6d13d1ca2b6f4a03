/**
 * Z11: the anycast MAC of an evpn zone — a unicast, locally administered
 * address in upper-case hex. If the datacenter `mac_prefix` is given, it
 * replaces the leading characters, as the reference does. Randomness is the
 * caller's: pass six random bytes (e.g. `crypto.randomBytes(6)`), so this
 * library stays deterministic.
 */
export function macFromBytes(bytes: ArrayLike<number>, prefix?: string): string {
  const b = Array.from({ length: 6 }, (_, i) => (Number(bytes[i] ?? 0) & 0xff) >>> 0);
  b[0] = (b[0] & 0xfe) | 0x02;
  const addr = b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':');
  if (!prefix) return addr;
  const p = prefix.toUpperCase().slice(0, addr.length);
  return p + addr.slice(p.length);
}
