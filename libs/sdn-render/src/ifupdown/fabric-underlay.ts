import { byteOrder, isSet, text, type RunningConfig } from '@sdn/model';

/**
 * Fabric sections as the running config stores them: one `<fabric>` section
 * and one `<fabric>_<node>` section per member node.
 */
export interface FabricSection {
  type?: string;
  ip?: string;
  ip6?: string;
  [key: string]: unknown;
}
export type ConfigWithFabrics = RunningConfig & { fabrics?: { ids?: Record<string, FabricSection> } };

export interface FabricUnderlay {
  /** Address of every member node that has one, by node name in byte order. */
  peers: string[];
  /** This node's address in the fabric, or null when it has none. */
  ownIp: string | null;
}

function nodeAddress(section: FabricSection): string | null {
  if (isSet(section.ip)) return text(section.ip);
  if (isSet(section.ip6)) return text(section.ip6);
  return null;
}

/**
 * The underlay a VXLAN zone or EVPN controller gets from a fabric
 * (rendering.md §1.7, §1.8): peers are the fabric's node addresses, the own
 * address is this node's. Undefined when the fabric does not exist.
 */
export function fabricUnderlay(config: ConfigWithFabrics, fabricId: string, nodename: string): FabricUnderlay | undefined {
  const ids = config.fabrics?.ids ?? {};
  if (!ids[fabricId]) return undefined;
  const prefix = `${fabricId}_`;
  const members = Object.keys(ids)
    .filter((id) => id.startsWith(prefix) && /_node$/.test(text(ids[id].type)))
    .map((id) => ({ node: id.slice(prefix.length), address: nodeAddress(ids[id]) }))
    .sort((a, b) => byteOrder(a.node, b.node));
  const peers = members.flatMap((m) => (m.address === null ? [] : [m.address]));
  const own = members.find((m) => m.node === nodename);
  return { peers, ownIp: own?.address ?? null };
}
