import { isSet, splitList, text } from '@sdn/model';
import { ownIp } from '../../facts/own-ip';
import { fabricUnderlay, type ConfigWithFabrics } from '../../ifupdown/fabric-underlay';
import { VnetRenderError, type ZoneInterfacesRenderer, type VnetRenderContext } from '../../ifupdown/zone-renderer';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { tunnelMtu } from '../../ifupdown/mtu';

interface VxlanUnderlay {
  peers: string[];
  ownIp: string | null;
}

/** Peers and own address from the zone's `peers`, else from its fabric (rendering.md §1.7). */
function vxlanUnderlay({ config, facts, zoneId, zone }: VnetRenderContext): VxlanUnderlay {
  if (isSet(zone.peers)) {
    const peers = splitList(zone.peers);
    return { peers, ownIp: ownIp(facts, peers).ip };
  }
  if (isSet(zone.fabric)) {
    const fabricId = text(zone.fabric);
    const underlay = fabricUnderlay(config as ConfigWithFabrics, fabricId, facts.nodename);
    if (!underlay) throw new VnetRenderError(`fabric ${fabricId} of VXLAN zone ${zoneId} does not exist`);
    if (underlay.ownIp === null) throw new VnetRenderError(`Node ${facts.nodename} requires an IP in the fabric ${fabricId} to configure the VXLAN zone ${zoneId}`);
    return underlay;
  }
  throw new VnetRenderError(`neither peers nor fabric configured for VXLAN zone ${zoneId}`);
}

/**
 * VXLAN zone: a VXLAN device with a static head-end replication list per
 * vnet, bridged into the vnet. Pure layer 2: subnets are not rendered.
 */
export const renderVxlanVnet: ZoneInterfacesRenderer = (ctx) => {
  const { zone, vnetId, vnet, stanzas } = ctx;
  if (!isSet(vnet.tag)) throw new VnetRenderError('missing vxlan tag');
  const { peers, ownIp: own } = vxlanUnderlay(ctx);
  const mtu = tunnelMtu(zone);
  const vxlan = `vxlan_${vnetId}`;

  stanzas.addIfAbsent(vxlan, [
    `vxlan-id ${text(vnet.tag)}`,
    // Underscore spelling as in the reference; the own address is compared as a string.
    ...peers.filter((p) => p !== own).map((p) => `vxlan_remoteip ${p}`),
    ...(isSet(zone['vxlan-port']) ? [`vxlan-port ${text(zone['vxlan-port'])}`] : []),
    `mtu ${mtu}`,
  ]);
  stanzas.addIfAbsent(vnetId, vnetBridgeLines(vnet, { uplink: vxlan, mtu }));
};
