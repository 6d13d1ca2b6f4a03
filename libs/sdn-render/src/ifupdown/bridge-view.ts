import { isSet, text } from '@sdn/model';
import { bridgeFacts, type BridgeFacts } from '../facts/node-facts';
import type { ZoneNodeView, ZoneViewContext } from './zone-renderer';

/** VLAN and QinQ zones depend on the node only through the zone's bridge. */
export interface BridgeNodeView extends ZoneNodeView {
  bridge: BridgeFacts;
}

export function bridgeNodeView({ facts, zone }: ZoneViewContext): BridgeNodeView {
  const bridge = bridgeFacts(facts, isSet(zone.bridge) ? text(zone.bridge) : undefined);
  return { key: `${bridge.ovs} ${bridge.vlanAware} ${bridge.ports.join(' ')}`, bridge };
}

/** Options of an OVS internal port on `bridge` (VLAN vnet uplinks, QinQ service ports). */
export function ovsIntPortLines(bridge: string, mtu: string | undefined, ovsOptions: string): string[] {
  return ['ovs_type OVSIntPort', `ovs_bridge ${bridge}`, ...(mtu !== undefined ? [`ovs_mtu ${mtu}`] : []), `ovs_options ${ovsOptions}`];
}
