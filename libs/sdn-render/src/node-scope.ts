import { isSet, nodeList, text, type RunningConfig } from '@sdn/model';

/** The zones and vnets deployed on one node, with what its status check needs (NodeBundleScopeV1 of @sdn/contracts). */
export interface NodeScope {
  zones: Record<string, { type: string; bridge?: string }>;
  vnets: Record<string, { zone: string }>;
}

/**
 * Which running zones and vnets apply to `node` (spec §5.2/§5.3): a zone
 * without `nodes`, or listing the node; every vnet of such a zone. A vnet
 * whose zone is missing from the config is kept (with that zone name) so the
 * node reports it as an error, as the reference does on every node.
 */
export function nodeScope(config: RunningConfig, node: string): NodeScope {
  const zones: NodeScope['zones'] = {};
  const zoneDefs = config.zones?.ids ?? {};
  for (const [id, zone] of Object.entries(zoneDefs)) {
    const nodes = nodeList(zone.nodes);
    if (nodes.length && !nodes.includes(node)) continue;
    zones[id] = isSet(zone.bridge) ? { type: text(zone.type), bridge: text(zone.bridge) } : { type: text(zone.type) };
  }
  const vnets: NodeScope['vnets'] = {};
  for (const [id, vnet] of Object.entries(config.vnets?.ids ?? {})) {
    if (!isSet(vnet.zone)) continue;
    const zone = text(vnet.zone);
    if (zones[zone] || !zoneDefs[zone]) vnets[id] = { zone };
  }
  return { zones, vnets };
}
