import { IpamError, IpamPlugin, IpamSubnet } from '../plugin';
import { familyOf, inSubnet } from '../pve/address-math';

/** An IPv4 /32: a point-to-point route whose gateway lives elsewhere. */
export const pointToPoint = (cidr: string): boolean => familyOf(cidr.split('/')[0]) === 4 && cidr.endsWith('/32');

/**
 * The gateway a subnet reserves in its IPAM (§6.1), or undefined: none for
 * a point-to-point /32, and none for a gateway outside the subnet (accepted
 * only on request, `gateway-outside-subnet`, as Proxmox's nodes render such
 * subnets): it lives elsewhere, so no address of the subnet is to be kept
 * from allocation, and the IPAM would refuse it as not in the subnet.
 */
export function reservedGateway(cidr: string, gateway: string | undefined): string | undefined {
  return gateway && !pointToPoint(cidr) && inSubnet(gateway, cidr) ? gateway : undefined;
}

/**
 * §6.1 create: register the prefix, then the gateway. Unlike the reference, a failed gateway
 * registration removes the prefix again so the IPAM is never left half-written.
 */
export async function registerSubnet(plugin: IpamPlugin, subnet: IpamSubnet, vnet: string): Promise<void> {
  await plugin.addSubnet(subnet);
  const gateway = reservedGateway(subnet.cidr, subnet.gateway);
  if (!gateway) return;
  try {
    await plugin.addIp(subnet, gateway, { hostname: `${vnet}-gw`, isGateway: true });
  } catch (e) {
    await plugin.delSubnet({ ...subnet, gateway: undefined }).catch(() => undefined);
    throw new IpamError(`${(e as Error).message} (subnet ${subnet.cidr} was not registered)`);
  }
}

/** §6.1 update: gateway moves; deleting the old gateway is best-effort (errors only logged). */
export async function updateSubnet(plugin: IpamPlugin, subnet: IpamSubnet, old: IpamSubnet, vnet: string, log: (m: string) => void = () => undefined): Promise<void> {
  await plugin.updateSubnet(subnet, old);
  if (pointToPoint(subnet.cidr)) return;
  const gateway = reservedGateway(subnet.cidr, subnet.gateway);
  const previous = reservedGateway(old.cidr, old.gateway);
  if (gateway && gateway !== previous) {
    await plugin.addIp(subnet, gateway, { hostname: `${vnet}-gw`, isGateway: true });
  }
  if (previous && previous !== gateway) {
    await plugin.delIp(subnet, previous).catch((e) => log(`could not delete old gateway ${previous}: ${(e as Error).message}`));
  }
}

export async function unregisterSubnet(plugin: IpamPlugin, subnet: IpamSubnet): Promise<void> {
  await plugin.delSubnet(subnet);
}
