import type { Sections } from '@sdn/event-store';
import { byteOrder, parseSubnetId } from '@sdn/model';
import { dhcpRanges, EXTERNAL_IPAM_TYPES, type AllocateRequest } from '@sdn/ipam';

/**
 * The zone's IPAM when it lives outside this system (phpIPAM, NetBox), as stored (token sealed:
 * only ipam-service opens it); null for the built-in IPAM and for a zone without one.
 */
export function externalIpamOf(pending: Sections, zoneId: string): Required<Pick<AllocateRequest, 'ipamId' | 'ipam'>> | null {
  const zone = pending.zones[zoneId];
  const ipamId = typeof zone?.ipam === 'string' ? zone.ipam : '';
  const ipam = ipamId ? pending.ipams[ipamId] : undefined;
  return ipam && EXTERNAL_IPAM_TYPES.has(String(ipam.type)) ? { ipamId, ipam } : null;
}

/**
 * What an address request to an external IPAM needs to know of the vnet: its subnets by id
 * (§3.7 P1: first match in id order), with gateway and DHCP ranges (§6.7 next free in ranges).
 * ipam-service keeps no subnet list for such a zone, and the API has it at hand.
 */
export function vnetSubnets(pending: Sections, vnet: string): NonNullable<AllocateRequest['subnets']> {
  return Object.keys(pending.subnets)
    .filter((id) => pending.subnets[id].vnet === vnet)
    .sort(byteOrder)
    .flatMap((id) => {
      const o = pending.subnets[id];
      const cidr = parseSubnetId(id)?.cidr;
      return cidr ? [{ cidr, gateway: typeof o.gateway === 'string' ? o.gateway : undefined, dhcpRanges: dhcpRanges(o) }] : [];
    });
}
