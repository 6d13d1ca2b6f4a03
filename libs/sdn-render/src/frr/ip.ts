import * as ipaddr from 'ipaddr.js';

/**
 * Address handling for FRR output. The reference re-prints addresses through
 * typed values, so text like `2B0F:1480:0::` comes out canonical; a value
 * that does not parse makes the whole FRR generation fail (§2.5).
 */

export class FrrValueError extends Error {}

function parseStrict(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

export function isIpv4(text: string | null | undefined): boolean {
  return !!text && ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function isIpv6(text: string | null | undefined): boolean {
  return !!text && !isIpv4(text) && ipaddr.IPv6.isValid(text);
}

export function canonicalIp(text: string, what = 'address'): string {
  const addr = parseStrict(text);
  if (!addr) throw new FrrValueError(`invalid ${what} '${text}'`);
  return addr.toString();
}

export function canonicalIpv4(text: string, what = 'IPv4 address'): string {
  if (!isIpv4(text)) throw new FrrValueError(`invalid ${what} '${text}'`);
  return ipaddr.IPv4.parse(text).toString();
}

/** `<addr>/<len>` with the address canonical and host bits kept. */
export function canonicalPrefix(text: string): string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? '' : text.slice(slash + 1);
  const addr = parseStrict(addrText);
  const max = addr?.kind() === 'ipv6' ? 128 : 32;
  if (!addr || !/^\d+$/.test(lenText) || Number(lenText) > max) throw new FrrValueError(`invalid prefix '${text}'`);
  return `${addr.toString()}/${Number(lenText)}`;
}

export function prefixIsIpv6(text: string): boolean {
  return isIpv6(text.split('/')[0]);
}

/** Address value as one number space (IPv4 as 32-bit, IPv6 as 128-bit). */
export function addressValue(text: string): bigint {
  const addr = parseStrict(text);
  if (!addr) throw new FrrValueError(`invalid address '${text}'`);
  return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
