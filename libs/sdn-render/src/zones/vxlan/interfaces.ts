import { isSet, splitList, text } from '@sdn/model';
import { ownIp } from '../../facts/own-ip';
import { fabricUnderlay, type ConfigWithFabrics } from '../../ifupdown/fabric-underlay';
import { assertViewUsable, VnetRenderError, type ZoneInterfacesRenderer, type ZoneNodeView, type ZoneViewContext } from '../../ifupdown/zone-renderer';
import { LineGroup } from '../../ifupdown/stanzas';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { dhcpPortOfBridge } from '../../dhcp/dhcp-ports';
import { tunnelMtu } from '../../ifupdown/mtu';

/** A VXLAN zone depends on the node only through its underlay. */
interface VxlanNodeView extends ZoneNodeView {
  /** Head-end replication list: a `vxlan_remoteip` line per peer but the node's own address. */
  remotes: LineGroup;
}

/** Peers and own address from the zone's `peers`, else from its fabric (rendering.md §1.7). */
function vxlanNodeView({ config, facts, zoneId, zone }: ZoneViewContext): VxlanNodeView {
  let peers: string[];
  let own: string | null;
  if (isSet(zone.peers)) {
    peers = splitList(zone.peers);
    own = ownIp(facts, peers).ip;
  } else if (isSet(zone.fabric)) {
    const fabricId = text(zone.fabric);
    const underlay = fabricUnderlay(config as ConfigWithFabrics, fabricId, facts.nodename);
    if (!underlay) return unusable(`fabric ${fabricId} of VXLAN zone ${zoneId} does not exist`);
    if (underlay.ownIp === null) return unusable(`Node ${facts.nodename} requires an IP in the fabric ${fabricId} to configure the VXLAN zone ${zoneId}`);
    ({ peers, ownIp: own } = underlay);
  } else {
    return unusable(`neither peers nor fabric configured for VXLAN zone ${zoneId}`);
  }
  // The own address is compared as a string, as the reference does.
  const remotes = peers.filter((p) => p !== own);
  // Underscore spelling as in the reference.
  return { key: remotes.join(' '), remotes: new LineGroup(remotes.map((p) => `vxlan_remoteip ${p}`)) };
}

function unusable(error: string): VxlanNodeView {
  return { key: `!${error}`, error, remotes: new LineGroup([]) };
}

/**
 * VXLAN zone: a VXLAN device with a static head-end replication list per
 * vnet, bridged into the vnet. Pure layer 2: subnets are not rendered.
 */
export const vxlanZoneInterfaces: ZoneInterfacesRenderer<VxlanNodeView> = {
  nodeView: vxlanNodeView,
  renderVnet: ({ zone, vnetId, vnet, view, stanzas }) => {
    if (!isSet(vnet.tag)) throw new VnetRenderError('missing vxlan tag');
    assertViewUsable(view);
    const mtu = tunnelMtu(zone);
    const vxlan = `vxlan_${vnetId}`;

    stanzas.addIfAbsent(vxlan, [
      `vxlan-id ${text(vnet.tag)}`,
      view.remotes,
      ...(isSet(zone['vxlan-port']) ? [`vxlan-port ${text(zone['vxlan-port'])}`] : []),
      `mtu ${mtu}`,
    ]);
    stanzas.addIfAbsent(vnetId, vnetBridgeLines(vnet, { uplink: vxlan, mtu, condonePort: dhcpPortOfBridge(zone, vnetId) }));
  },
};
