import { isSet, text } from '@sdn/model';
import type { ZoneInterfacesRenderer, ZoneNodeView } from '../../ifupdown/zone-renderer';
import { forwardingLines, outsideRoutes, outsideRoutesKey, subnetLines, subnetsOfVnet, type OutsideRoutes } from '../../ifupdown/subnets';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { zoneMtu } from '../../ifupdown/mtu';

/** A simple zone depends on the node only through its way out (SNAT). */
interface SimpleNodeView extends ZoneNodeView {
  outside: OutsideRoutes;
}

/** Simple zone (rendering.md §1.4): a routed bridge without ports, one stanza per vnet. */
export const simpleZoneInterfaces: ZoneInterfacesRenderer<SimpleNodeView> = {
  nodeView: ({ facts }) => {
    const outside = outsideRoutes(facts);
    return { key: outsideRoutesKey(outside), outside };
  },
  renderVnet: ({ config, zone, vnetId, vnet, view, stanzas }) => {
    const subnets = subnetsOfVnet(config, vnetId);
    stanzas.addIfAbsent(vnetId, [
      ...subnetLines(vnetId, subnets, { hostRoutes: true, snatVia: view.outside }),
      ...(isSet(vnet.mac) ? [`hwaddress ${text(vnet.mac)}`] : []),
      ...vnetBridgeLines(vnet, { uplink: 'none', mtu: zoneMtu(zone) }),
      ...forwardingLines(subnets),
    ]);
  },
};
