import { isSet, text, type RunningConfig } from '@sdn/model';
import { deployedZones, subnetsOfVnets, vnetsOfZones } from './node-scope';

/** Zone types whose files on a node depend only on the zones deployed there (no controller, no cross-zone routing). */
const LOCAL_ZONE_TYPES = new Set(['simple', 'vlan', 'qinq', 'vxlan']);

/** Per config: whether it may be cut per node, its zones parsed once, and one cut per distinct set of deployed zones. */
const perConfig = new WeakMap<RunningConfig, { local: boolean; zones: Set<string>; bySet: Map<string, RunningConfig> }>();

/**
 * The part of `config` that one node's files are rendered from: its deployed
 * zones (without `nodes`, or listing the node), their vnets (and vnets whose
 * zone is missing, which the node reports as errors), and those vnets'
 * subnets; every other section whole. Rendering a node against this cut gives
 * the same files as against the whole config (the conformance vectors and
 * node-config.spec check it), but costs what the node carries instead of what
 * the cluster carries: 2 500 vnets in 40 zones of 25 nodes render ~5x faster
 * per node. Only configs made of simple, VLAN, QinQ and VXLAN zones without
 * controllers or fabrics are cut; anything else (EVPN exit nodes, BGP, fabric
 * routing) is returned whole, where a node may need other zones.
 * Nodes deployed on the same zones share one (cached) cut.
 */
export function nodeRenderConfig(config: RunningConfig, node: string): RunningConfig {
  let cached = perConfig.get(config);
  if (!cached) {
    const zoneEntries = Object.entries(config.zones?.ids ?? {});
    const local =
      !Object.keys(config.controllers?.ids ?? {}).length &&
      !Object.keys(config.fabrics?.ids ?? {}).length &&
      zoneEntries.every(([, z]) => LOCAL_ZONE_TYPES.has(text(z.type)));
    cached = { local, zones: new Set(zoneEntries.map(([id]) => id)), bySet: new Map() };
    perConfig.set(config, cached);
  }
  if (!cached.local) return config;
  const { ids: deployed, key } = deployedZones(config, node);
  if (deployed.length === cached.zones.size) return config;
  let cut = cached.bySet.get(key);
  if (!cut) {
    const all = config.zones?.ids ?? {};
    const zones = Object.fromEntries(deployed.map((id) => [id, all[id]]));
    const vnets = Object.fromEntries(vnetsOfZones(config, deployed, true));
    const subnets = Object.fromEntries(subnetsOfVnets(config, Object.keys(vnets)));
    cut = { ...config, zones: { ...config.zones, ids: zones }, vnets: { ...config.vnets, ids: vnets }, subnets: { ...config.subnets, ids: subnets } } as RunningConfig;
    cached.bySet.set(key, cut);
  }
  return cut;
}
