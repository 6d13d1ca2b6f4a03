import { IpamError, IpamPlugin, IpamSubnet } from '../plugin';
import { familyOf } from '../pve/address-math';

const isP2p = (s: IpamSubnet) => familyOf(s.cidr.split('/')[0]) === 4 && s.cidr.endsWith('/32');

/**
 * §6.1 create: register the prefix, then the gateway. Unlike the reference, a failed gateway
 * registration removes the prefix again so the IPAM is never left half-written.
 */
export async function registerSubnet(plugin: IpamPlugin, subnet: IpamSubnet, vnet: string): Promise<void> {
  await plugin.addSubnet(subnet);
  if (isP2p(subnet) || !subnet.gateway) return;
  try {
    await plugin.addIp(subnet, subnet.gateway, { hostname: `${vnet}-gw`, isGateway: true });
  } catch (e) {
    await plugin.delSubnet({ ...subnet, gateway: undefined }).catch(() => undefined);
    throw new IpamError(`${(e as Error).message} (subnet ${subnet.cidr} was not registered)`);
  }
}

/** §6.1 update: gateway moves; deleting the old gateway is best-effort (errors only logged). */
export async function updateSubnet(plugin: IpamPlugin, subnet: IpamSubnet, old: IpamSubnet, vnet: string, log: (m: string) => void = () => undefined): Promise<void> {
  await plugin.updateSubnet(subnet, old);
  if (isP2p(subnet)) return;
  if (subnet.gateway && subnet.gateway !== old.gateway) {
    await plugin.addIp(subnet, subnet.gateway, { hostname: `${vnet}-gw`, isGateway: true });
  }
  if (old.gateway && old.gateway !== subnet.gateway) {
    await plugin.delIp(subnet, old.gateway).catch((e) => log(`could not delete old gateway ${old.gateway}: ${(e as Error).message}`));
  }
}

export async function unregisterSubnet(plugin: IpamPlugin, subnet: IpamSubnet): Promise<void> {
  await plugin.delSubnet(subnet);
}
