import { isSet, text } from '@sdn/model';
import { bridgeNodeView, ovsIntPortLines, type BridgeNodeView } from '../../ifupdown/bridge-view';
import { VnetRenderError, type ZoneInterfacesRenderer } from '../../ifupdown/zone-renderer';
import { VLAN_AWARE_LINES, vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { dhcpPortOfBridge } from '../../dhcp/dhcp-ports';
import { zoneMtu } from '../../ifupdown/mtu';

/** OVS needs an explicit ethertype for the service tag; Linux bridges use the kernel default. */
const OVS_DEFAULT_VLAN_PROTOCOL = '802.1q';

/**
 * QinQ zone (rendering.md §1.6): a per-zone VLAN-aware bridge `z_<zone>`
 * whose port carries the service tag, vnets hang off it by customer tag.
 */
export const qinqZoneInterfaces: ZoneInterfacesRenderer<BridgeNodeView> = {
  nodeView: bridgeNodeView,
  renderVnet: ({ zoneId, zone, vnetId, vnet, view, stanzas }) => {
    if (!isSet(zone.bridge)) throw new VnetRenderError(`can't find bridge ${text(zone.bridge)}`);
    const bridge = text(zone.bridge);
    const stag = text(zone.tag);
    const mtu = zoneMtu(zone);
    const protocol = isSet(zone['vlan-protocol']) ? text(zone['vlan-protocol']) : undefined;
    const z = `z_${zoneId}`;
    const ln = `ln_${zoneId}`;
    const pr = `pr_${zoneId}`;
    const sv = `sv_${zoneId}`;
    const br = view.bridge;

    let zoneBridgePort: string;
    if (br.ovs) {
      stanzas.addIfAbsent(sv, ovsIntPortLines(bridge, mtu, `vlan_mode=dot1q-tunnel tag=${stag} other_config:qinq-ethtype=${protocol ?? OVS_DEFAULT_VLAN_PROTOCOL}`));
      stanzas.accumulateInFirstLine(bridge, 'ovs_ports', sv);
      zoneBridgePort = sv;
    } else if (br.vlanAware) {
      zoneBridgePort = `${bridge}.${stag}`;
      if (protocol !== undefined) {
        stanzas.addIfAbsent(bridge, [`bridge-vlan-protocol ${protocol}`]);
        stanzas.addIfAbsent(zoneBridgePort, [`vlan-protocol ${protocol}`]);
      }
    } else {
      // Only the first physical port carries the service VLAN; without ports there is none.
      const port = br.ports[0];
      if (port !== undefined) {
        stanzas.addIfAbsent(sv, [`vlan-raw-device ${port}`, `vlan-id ${stag}`, ...(protocol !== undefined ? [`vlan-protocol ${protocol}`] : [])]);
        zoneBridgePort = sv;
      } else {
        zoneBridgePort = '';
      }
    }

    stanzas.addIfAbsent(ln, ['link-type veth', `veth-peer-name ${pr}`]);
    stanzas.addIfAbsent(pr, ['link-type veth', `veth-peer-name ${ln}`]);
    // Hyphenated keys and MTU first: the reference's spelling and order for this stanza.
    stanzas.addIfAbsent(z, [
      ...(mtu !== undefined ? [`mtu ${mtu}`] : []),
      'bridge-stp off',
      `bridge-ports ${zoneBridgePort} ${ln}`,
      'bridge-fd 0',
      ...VLAN_AWARE_LINES,
    ]);

    const uplink = isSet(vnet.tag) ? `${z}.${text(vnet.tag)}` : pr;
    stanzas.addIfAbsent(vnetId, vnetBridgeLines(vnet, { uplink, mtu, condonePort: dhcpPortOfBridge(zone, vnetId) }));
  },
};
