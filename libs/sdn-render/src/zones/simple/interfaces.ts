import { isSet, text } from '@sdn/model';
import type { ZoneInterfacesRenderer } from '../../ifupdown/zone-renderer';
import { forwardingLines, subnetLines, subnetsOfVnet } from '../../ifupdown/subnets';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { zoneMtu } from '../../ifupdown/mtu';

/** Simple zone (rendering.md §1.4): a routed bridge without ports, one stanza per vnet. */
export const renderSimpleVnet: ZoneInterfacesRenderer = ({ config, facts, zone, vnetId, vnet, stanzas }) => {
  const subnets = subnetsOfVnet(config, vnetId);
  stanzas.addIfAbsent(vnetId, [
    ...subnetLines(vnetId, subnets, facts, { hostRoutes: true, snat: true }),
    ...(isSet(vnet.mac) ? [`hwaddress ${text(vnet.mac)}`] : []),
    ...vnetBridgeLines(vnet, { uplink: 'none', mtu: zoneMtu(zone) }),
    ...forwardingLines(subnets),
  ]);
};
