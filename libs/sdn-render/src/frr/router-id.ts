import type { NodeFacts } from '../facts/node-facts';
import { FrrValueError, isIpv4 } from './ip';

/**
 * BGP router-id (rendering.md §2.3.4): the own IP when it is IPv4, otherwise
 * derived from the MAC of the interface the own IP was found on, because a
 * router-id must be a 32-bit value even on an IPv6 underlay.
 * Undefined when no id can be derived (no own IP and no known MAC).
 */
export function routerId(facts: NodeFacts, ownIp: string | null, iface: string | null): string | undefined {
  if (ownIp && isIpv4(ownIp)) return ownIp;
  const mac = iface ? facts.macs[iface] : undefined;
  if (!mac) return undefined;
  return routerIdFromMac(mac, iface ?? '');
}

export function routerIdFromMac(mac: string, iface: string): string {
  const octets = mac.split(':');
  if (octets.length !== 6 || !octets.every((o) => /^[0-9a-fA-F]{1,2}$/.test(o))) {
    throw new FrrValueError(`Interface ${iface} has an invalid MAC address '${mac}'. Cannot derive a BGP router-id.`);
  }
  const bytes = octets.map((o) => parseInt(o, 16));
  if (bytes.every((b) => b === 0)) {
    throw new FrrValueError(`Interface ${iface} has a zero MAC address. Cannot derive a BGP router-id.`);
  }
  return bytes.slice(2).join('.');
}
