import { isSet, text } from '@sdn/model';
import { bridgeNodeView, ovsIntPortLines, type BridgeNodeView } from '../../ifupdown/bridge-view';
import { VnetRenderError, type ZoneInterfacesRenderer } from '../../ifupdown/zone-renderer';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { dhcpPortOfBridge } from '../../dhcp/dhcp-ports';
import { zoneMtu } from '../../ifupdown/mtu';

/**
 * VLAN zone (rendering.md §1.5): the vnet bridge's uplink is an OVS internal
 * port, a VLAN sub-interface of a VLAN-aware bridge, or a veth pair into a
 * per-tag legacy bridge `<bridge>v<tag>`, depending on the node's bridge.
 */
export const vlanZoneInterfaces: ZoneInterfacesRenderer<BridgeNodeView> = {
  nodeView: bridgeNodeView,
  renderVnet: ({ zone, vnetId, vnet, view, stanzas }) => {
    if (!isSet(zone.bridge)) throw new VnetRenderError(`can't find bridge ${text(zone.bridge)}`);
    const bridge = text(zone.bridge);
    // A vnet without tag is not rejected by the reference: the tag is then empty.
    const tag = text(vnet.tag);
    const mtu = zoneMtu(zone);
    const ln = `ln_${vnetId}`;
    const pr = `pr_${vnetId}`;
    const br = view.bridge;

    let uplink: string;
    if (br.ovs) {
      stanzas.addIfAbsent(ln, ovsIntPortLines(bridge, mtu, isSet(vnet.vlanaware) ? `vlan_mode=dot1q-tunnel other_config:qinq-ethtype=802.1q tag=${tag}` : `tag=${tag}`));
      // One line per vnet on purpose: ifupdown2 merges them with the bridge's main definition.
      stanzas.append(bridge, `ovs_ports ${ln}`);
      uplink = ln;
    } else if (br.vlanAware) {
      uplink = `${bridge}.${tag}`;
    } else {
      const mtuLines = mtu !== undefined ? [`mtu ${mtu}`] : [];
      stanzas.addIfAbsent(ln, ['link-type veth', `veth-peer-name ${pr}`, ...mtuLines]);
      stanzas.addIfAbsent(pr, ['link-type veth', `veth-peer-name ${ln}`, ...mtuLines]);
      // Each port contributes " <port>.<tag>", hence the reference's double space after `bridge_ports`.
      const taggedPorts = br.ports.map((p) => ` ${p}.${tag}`).join('');
      stanzas.addIfAbsent(`${bridge}v${tag}`, [`bridge_ports ${taggedPorts} ${pr}`, 'bridge_stp off', 'bridge_fd 0', ...mtuLines]);
      uplink = ln;
    }

    stanzas.addIfAbsent(vnetId, vnetBridgeLines(vnet, { uplink, mtu, condonePort: dhcpPortOfBridge(zone, vnetId) }));
  },
};
