import type { EntityManager } from 'typeorm';
import { dhcpRanges, EXTERNAL_IPAM_TYPES, inSubnet } from '@sdn/ipam';
import type { IpRow } from '../pve/pve-ipam.store';
import { latestObject, zoneSubnets } from './config-view';
import type { PluginFactory } from './subnet-events';

/**
 * The addresses of a zone whose IPAM is phpIPAM or NetBox, listed there subnet by subnet, in the
 * built-in store's row shape: what the zone's DHCP servers take their static entries from (the
 * IPAM of the zone, whichever it is). Undefined for a zone of the built-in IPAM or without one.
 * The zone, its IPAM object (token sealed) and its subnets are the last events' (the API's view).
 */
export async function externalZoneAddresses(db: Pick<EntityManager, 'query'>, pluginFor: PluginFactory, zone: string): Promise<IpRow[] | undefined> {
  const z = await latestObject(db, 'zones', zone);
  const ipamId = typeof z?.ipam === 'string' ? z.ipam : '';
  const ipam = ipamId ? await latestObject(db, 'ipams', ipamId) : undefined;
  if (!ipam || !EXTERNAL_IPAM_TYPES.has(String(ipam.type))) return undefined;
  const plugin = pluginFor(ipamId, ipam);
  const rows: IpRow[] = [];
  for (const s of await zoneSubnets(db, zone)) {
    const subnet = { id: s.id, zone, cidr: s.cidr, gateway: typeof s.object.gateway === 'string' ? s.object.gateway : undefined, dhcpRanges: dhcpRanges(s.object) };
    const vnet = typeof s.object.vnet === 'string' ? s.object.vnet : null;
    for (const a of await plugin.listIps(subnet)) {
      // An IPAM may answer with neighbours (phpIPAM nested subnets, NetBox's parent containing more): only this subnet's.
      if (!inSubnet(a.ip, s.cidr)) continue;
      rows.push({ zone, subnet: s.cidr, ip: a.ip, vnet, gateway: !!a.gateway, mac: a.mac ?? null, hostname: a.hostname ?? null, vmid: null });
    }
  }
  return rows;
}
