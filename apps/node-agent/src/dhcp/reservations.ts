import type { Reservation } from '@sdn/render';

/** An address as the IPAM's list answers it (IpRecord of @sdn/ipam, gateway flag included). */
export interface IpamAddress {
  ip: string;
  mac?: string | null;
  /** CIDR of the subnet the address is in. */
  subnet?: string;
  gateway?: boolean | number | null;
}

/**
 * The static MAC → IP entries of a zone from its IPAM addresses: one IPv4
 * and one IPv6 per MAC (the first of each in the IPAM's order, as the
 * reference's MAC cache keeps one of each); gateways and addresses without
 * a MAC are no reservations. MACs are compared and written in lower case.
 */
export function reservationsOf(addresses: IpamAddress[]): Reservation[] {
  const byMac = new Map<string, Reservation>();
  for (const a of addresses) {
    if (a.gateway || !a.mac) continue;
    const mac = a.mac.toLowerCase();
    const r = byMac.get(mac) ?? { mac };
    if (a.ip.includes(':')) r.ip6 ??= a.ip;
    else r.ip4 ??= a.ip;
    byMac.set(mac, r);
  }
  return [...byMac.values()];
}
