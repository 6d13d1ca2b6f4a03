import { bool, isSet, nodeList, text, type RunningConfig, type Subnet, type Vnet } from '@sdn/model';

/** The zones and vnets deployed on one node, with what its status check and guest ports need (NodeBundleScopeV1 of @sdn/contracts). */
export interface NodeScope {
  zones: Record<string, ZoneEntry>;
  vnets: Record<string, { zone: string; isolatePorts?: boolean }>;
}

type ZoneEntry = { type: string; bridge?: string; disableMacLearning?: boolean };

/** A zone is deployed on a node when it lists no nodes or lists that node (spec §5.2). */
export function deployedOn(zoneNodes: readonly string[], node: string): boolean {
  return zoneNodes.length === 0 || zoneNodes.includes(node);
}

/**
 * One config's zones and vnets indexed once: which zones each named node
 * carries, and the vnets by zone. Every node's scope and render cut is then
 * a lookup and a merge instead of a scan of every zone's node list and of
 * every vnet per node or per set of zones (on 1 000 nodes in 40 zones with
 * 2 500 vnets those scans cost more than planning the nodes themselves once
 * their renders were kept).
 */
interface ConfigIndex {
  zoneIds: string[];
  /** Zones without `nodes` (on every node), and zones by the nodes they list: indices into zoneIds, ascending. */
  everywhere: number[];
  listed: Map<string, number[]>;
  byNode: Map<string, DeployedZones>;
  vnets: [string, Vnet][];
  /** Indices into vnets, ascending: of each zone's vnets, of vnets whose zone is not in the config, of vnets without a zone. */
  vnetsByZone: Map<string, number[]>;
  unknownZone: number[];
  unzoned: number[];
  subnets: [string, Subnet][];
  /** Indices into subnets, ascending: of each vnet's subnets, of subnets without a vnet. */
  subnetsByVnet: Map<string, number[]>;
  unattached: number[];
}

const indexes = new WeakMap<RunningConfig, ConfigIndex>();

function indexOf(config: RunningConfig): ConfigIndex {
  let d = indexes.get(config);
  if (d) return d;
  d = { zoneIds: [], everywhere: [], listed: new Map(), byNode: new Map(), vnets: Object.entries(config.vnets?.ids ?? {}), vnetsByZone: new Map(), unknownZone: [], unzoned: [],
    subnets: Object.entries(config.subnets?.ids ?? {}), subnetsByVnet: new Map(), unattached: [] };
  const push = <K>(m: Map<K, number[]>, k: K, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  for (const [id, zone] of Object.entries(config.zones?.ids ?? {})) {
    const i = d.zoneIds.push(id) - 1;
    const nodes = nodeList(zone.nodes);
    if (nodes.length === 0) d.everywhere.push(i);
    for (const n of new Set(nodes)) push(d.listed, n, i);
  }
  const known = new Set(d.zoneIds);
  d.vnets.forEach(([, vnet], i) => {
    if (!isSet(vnet.zone)) d.unzoned.push(i);
    else if (known.has(text(vnet.zone))) push(d.vnetsByZone, text(vnet.zone), i);
    else d.unknownZone.push(i);
  });
  d.subnets.forEach(([, subnet], i) => (isSet(subnet.vnet) ? push(d.subnetsByVnet, text(subnet.vnet), i) : d.unattached.push(i)));
  indexes.set(config, d);
  return d;
}

export interface DeployedZones {
  /** The ids of the zones deployed on the node (deployedOn), in config order. */
  ids: readonly string[];
  /** `ids` joined: nodes with the same key carry the same zones. */
  key: string;
}

/** The zones deployed on `node`. */
export function deployedZones(config: RunningConfig, node: string): DeployedZones {
  const d = indexOf(config);
  let out = d.byNode.get(node);
  if (!out) {
    const ids = merged([d.everywhere, d.listed.get(node) ?? []]).map((i) => d.zoneIds[i]);
    out = { ids, key: ids.join(',') };
    d.byNode.set(node, out);
  }
  return out;
}

/**
 * The vnets of the zones `zoneIds` (config zones), and of zones the config
 * does not have, in config order; `unzoned`: also the vnets without a zone.
 */
export function vnetsOfZones(config: RunningConfig, zoneIds: readonly string[], unzoned: boolean): [string, Vnet][] {
  const d = indexOf(config);
  const lists = [d.unknownZone, ...zoneIds.map((z) => d.vnetsByZone.get(z) ?? [])];
  if (unzoned) lists.push(d.unzoned);
  return merged(lists).map((i) => d.vnets[i]);
}

/** The subnets of the vnets `vnetIds`, and those without a vnet, in config order. */
export function subnetsOfVnets(config: RunningConfig, vnetIds: readonly string[]): [string, Subnet][] {
  const d = indexOf(config);
  return merged([d.unattached, ...vnetIds.map((v) => d.subnetsByVnet.get(v) ?? [])]).map((i) => d.subnets[i]);
}

/** Ascending index lists merged into one ascending list (each index is in at most one list). */
function merged(lists: number[][]): number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  return nonEmpty.flat().sort((a, b) => a - b);
}

/** Per config: its zones parsed once, and the scope of each distinct set of deployed zones (usually one for all nodes). */
const perConfig = new WeakMap<RunningConfig, { zones: Map<string, ZoneEntry>; bySet: Map<string, NodeScope> }>();

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
    const zones = new Map(
      Object.entries(config.zones?.ids ?? {}).map(([id, zone]): [string, ZoneEntry] => [
        id,
        {
          type: text(zone.type),
          ...(isSet(zone.bridge) ? { bridge: text(zone.bridge) } : {}),
          ...(bool(zone['bridge-disable-mac-learning']) ? { disableMacLearning: true } : {}),
        },
      ]),
    );
    perConfig.set(config, (cached = { zones, bySet: new Map() }));
  }
  const { ids, key } = deployedZones(config, node);
  let scope = cached.bySet.get(key);
  if (!scope) {
    const zones: NodeScope['zones'] = {};
    for (const id of ids) zones[id] = cached.zones.get(id)!;
    const vnets: NodeScope['vnets'] = {};
    for (const [id, vnet] of vnetsOfZones(config, ids, false)) {
      const zone = text(vnet.zone);
      vnets[id] = bool(vnet['isolate-ports']) ? { zone, isolatePorts: true } : { zone };
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
