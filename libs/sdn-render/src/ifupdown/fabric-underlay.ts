import { findFabric, type ConfigWithFabrics } from '../fabrics/model';

export type { ConfigWithFabrics };

export interface FabricUnderlay {
  /** IPv4 address of every member node that has one, in node order. */
  peers: string[];
  /** This node's IPv4 address in the fabric, or null when it has none. */
  ownIp: string | null;
}

/**
 * The underlay a VXLAN zone or EVPN controller gets from a fabric
 * (rendering.md §1.7, §1.8): peers are the fabric's node addresses, the own
 * address is this node's. Only IPv4 node addresses count, as in the
 * reference. Undefined when the fabric does not exist.
 */
export function fabricUnderlay(config: ConfigWithFabrics, fabricId: string, nodename: string): FabricUnderlay | undefined {
  const fabric = findFabric(config, fabricId);
  if (!fabric) return undefined;
  const peers = fabric.nodes.flatMap((n) => (n.ip === undefined ? [] : [n.ip]));
  const own = fabric.nodes.find((n) => n.node === nodename);
  return { peers, ownIp: own?.ip ?? null };
}
