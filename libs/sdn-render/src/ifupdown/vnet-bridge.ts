import { isSet, text, type Vnet } from '@sdn/model';

export const VLAN_AWARE_LINES: readonly string[] = ['bridge-vlan-aware yes', 'bridge-vids 2-4094'];

export interface VnetBridgeOptions {
  /** The bridge's single port (`none` for simple zones). */
  uplink: string;
  /** MTU line value, or undefined for no `mtu` line. */
  mtu?: string;
  /** EVPN vnets never get the VLAN-aware lines, even when the vnet asks for them. */
  honourVlanAware?: boolean;
  /**
   * A port the node plugs itself (a zone's DHCP port, dhcp-ports.ts): an
   * ifreload leaves it enslaved and its check does not count it against
   * `bridge_ports` (ifupdown2's `bridge-ports-condone-regex`).
   */
  condonePort?: string;
}

/**
 * The common tail of every vnet bridge stanza: ports, STP, forward delay,
 * VLAN awareness, MTU, alias — in this order for all zone types.
 */
export function vnetBridgeLines(vnet: Vnet, { uplink, mtu, honourVlanAware = true, condonePort }: VnetBridgeOptions): string[] {
  const lines = [`bridge_ports ${uplink}`, ...(condonePort ? [`bridge-ports-condone-regex ^${condonePort}$`] : []), 'bridge_stp off', 'bridge_fd 0'];
  if (honourVlanAware && isSet(vnet.vlanaware)) lines.push(...VLAN_AWARE_LINES);
  if (mtu !== undefined) lines.push(`mtu ${mtu}`);
  if (isSet(vnet.alias)) lines.push(`alias ${text(vnet.alias)}`);
  return lines;
}
