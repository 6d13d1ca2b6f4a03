import { bool, isSet, nodeList, text, type RunningConfig } from '@sdn/model';

/** The zones and vnets deployed on one node, with what its status check and guest ports need (NodeBundleScopeV1 of @sdn/contracts). */
export interface NodeScope {
  zones: Record<string, ZoneEntry>;
  vnets: Record<string, { zone: string; isolatePorts?: boolean }>;
}

type ZoneEntry = { type: string; bridge?: string; disableMacLearning?: boolean };

interface ZoneInfo {
  id: string;
  nodes: string[];
  entry: ZoneEntry;
}

/** A zone is deployed on a node when it lists no nodes or lists that node (spec §5.2). */
export function deployedOn(zoneNodes: readonly string[], node: string): boolean {
  return zoneNodes.length === 0 || zoneNodes.includes(node);
}

/** Per config: its zones parsed once, and the scope of each distinct set of deployed zones (usually one for all nodes). */
const perConfig = new WeakMap<RunningConfig, { zones: ZoneInfo[]; bySet: Map<string, NodeScope> }>();

/**
 * Which running zones and vnets apply to `node` (spec §5.2/§5.3): a zone
 * without `nodes`, or listing the node; every vnet of such a zone. A vnet
 * whose zone is missing from the config is kept (with that zone name) so the
 * node reports it as an error, as the reference does on every node. Nodes
 * with the same deployed zones share one (frozen) result.
 */
export function nodeScope(config: RunningConfig, node: string): NodeScope {
  let cached = perConfig.get(config);
  if (!cached) {
    const zones = Object.entries(config.zones?.ids ?? {}).map(([id, zone]) => ({
      id,
      nodes: nodeList(zone.nodes),
      entry: {
        type: text(zone.type),
        ...(isSet(zone.bridge) ? { bridge: text(zone.bridge) } : {}),
        ...(bool(zone['bridge-disable-mac-learning']) ? { disableMacLearning: true } : {}),
      },
    }));
    perConfig.set(config, (cached = { zones, bySet: new Map() }));
  }
  const deployed = cached.zones.filter((z) => deployedOn(z.nodes, node));
  const key = deployed.map((z) => z.id).join(',');
  let scope = cached.bySet.get(key);
  if (!scope) {
    const zones: NodeScope['zones'] = {};
    for (const z of deployed) zones[z.id] = z.entry;
    const known = new Set(cached.zones.map((z) => z.id));
    const vnets: NodeScope['vnets'] = {};
    for (const [id, vnet] of Object.entries(config.vnets?.ids ?? {})) {
      if (!isSet(vnet.zone)) continue;
      const zone = text(vnet.zone);
      if (zones[zone] || !known.has(zone)) vnets[id] = bool(vnet['isolate-ports']) ? { zone, isolatePorts: true } : { zone };
    }
    scope = deepFreeze({ zones, vnets });
    cached.bySet.set(key, scope);
  }
  return scope;
}

function deepFreeze<T>(o: T): T {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
