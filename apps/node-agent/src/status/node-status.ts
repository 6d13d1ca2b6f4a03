import { expandVnetGroups, groupVnetsV2, type NodeBundleScopeV1, type NodeStatusV1, type NodeStatusV2, type NodeStatusVnetGroupV2, type ObjectState } from '@sdn/contracts';

/** What the interface check says about one device: ifupdown2's `pass`/`fail`, or unknown to it. */
export type IfaceState = 'pass' | 'fail' | 'missing';

/** The version in the first line `#version:<N>` of the SDN file (spec §5.1 item 2). */
export function localVersion(sdnText: string | null): number | null {
  // Only the first line matters; a regex over a multi-MB file string costs more than reading it.
  if (!sdnText?.startsWith('#version:')) return null;
  const m = /^#version:(\d+)/.exec(sdnText.slice(0, 40));
  return m ? Number(m[1]) : null;
}

/** What the node knows of the running config: the newest valid bundle it received. */
export interface KnownConfig {
  version: number;
  scope: NodeBundleScopeV1;
}

/** Zones and vnets as NodeStatus v2 carries them (see zoneVnetStatus). */
export type ZoneVnetStatusV2 = Pick<NodeStatusV2, 'zones' | 'vnetsByZone'>;

/**
 * Per-zone and per-vnet state on this node, following spec §5: pending
 * while the local file is missing or older than the running config, error
 * when the vnet's interfaces are missing or fail ifupdown2's check,
 * available otherwise. The running config is known from the newest bundle
 * (its version and the zones/vnets deployed here); before any bundle the
 * maps are empty (§5.1.1).
 */
export function zoneVnetStatus(known: KnownConfig | null, local: number | null, iface: (name: string) => IfaceState): Pick<NodeStatusV1, 'zones' | 'vnets'> {
  const s = zoneVnetStatusV2(known, local, iface);
  return { zones: s.zones, vnets: expandVnetGroups(s.vnetsByZone) };
}

/**
 * zoneVnetStatus in v2's grouped form, built directly: a zone's vnets share
 * one state unless their check finds a problem, so the thousands of vnets
 * of a large config become name lists, and only vnets in error (each with
 * its message) are listed on their own.
 */
export function zoneVnetStatusV2(known: KnownConfig | null, local: number | null, iface: (name: string) => IfaceState): ZoneVnetStatusV2 {
  const zones: NodeStatusV1['zones'] = {};
  const vnetsByZone: NodeStatusV2['vnetsByZone'] = {};
  if (!known) return { zones, vnetsByZone };

  const errConfig =
    local === null ? 'local sdn network configuration is not yet generated, please reload' : local < known.version ? 'local sdn network configuration is too old, please reload' : undefined;
  const zoneDefs = known.scope.zones;
  for (const zoneId of Object.keys(zoneDefs).sort()) zones[zoneId] = errConfig ? { state: 'pending' } : { state: 'available' };
  // Vnets of a zone unknown to the running config go to zone '' (v1: `zone: ''`), each with its own message.
  const unknown: NodeStatusVnetGroupV2 = { state: 'error', vnets: [] };
  const put = (zoneId: string, vnet: string, state: ObjectState, message?: string) => {
    let g = vnetsByZone[zoneId];
    // The zone's usual state: pending (with the reason) while the file is behind, else available.
    if (!g) g = vnetsByZone[zoneId] = errConfig ? { state: 'pending', message: errConfig, vnets: [] } : { state: 'available', vnets: [] };
    g.vnets.push(vnet);
    if (state !== g.state || message !== g.message) (g.other ??= {})[vnet] = message === undefined ? { state } : { state, message };
  };
  for (const vnetId in known.scope.vnets) {
    const zoneId = known.scope.vnets[vnetId].zone;
    const zone = zoneDefs[zoneId];
    if (!zone) {
      unknown.vnets.push(vnetId);
      (unknown.other ??= {})[vnetId] = { state: 'error', message: `unknown zone '${zoneId}' configured` };
      continue;
    }
    if (errConfig) {
      put(zoneId, vnetId, 'pending', errConfig);
      continue;
    }
    const problems = vnetProblems(vnetId, zone.type, zone.bridge ?? '', iface);
    if (problems.length) {
      put(zoneId, vnetId, 'error', problems.join(','));
      zones[zoneId] = { state: 'error' };
    } else put(zoneId, vnetId, 'available');
  }
  if (unknown.vnets.length) vnetsByZone[''] = unknown;
  // A zone whose vnets are mostly in error (a missing bridge): regroup around its most frequent state.
  for (const [zoneId, g] of Object.entries(vnetsByZone)) {
    if (g.other && Object.keys(g.other).length * 2 > g.vnets.length) Object.assign(vnetsByZone, groupVnetsV2(expandVnetGroups({ [zoneId]: g })));
  }
  return { zones, vnetsByZone };
}

/** The zone type's interface check (spec §5.3 table). */
function vnetProblems(vnet: string, type: string, bridge: string, iface: (n: string) => IfaceState): string[] {
  if (iface(vnet) === 'missing') return [`vnet is not generated. Please check the 'reload network' task log.`];
  let list: string[] = [];
  if (type === 'vlan' || type === 'qinq') {
    if (iface(bridge) === 'missing') return [`missing ${bridge}`];
    // The reference also checks the patch devices (ln_/pr_/z_/sv_), which depend on the
    // bridge's kind (OVS, VLAN-aware); this kernel has no VLAN support to test them against.
    list = [vnet, bridge];
  }
  const out: string[] = [];
  for (const n of list) {
    const s = iface(n);
    if (s === 'missing') out.push(`missing ${n}`);
    else if (s === 'fail') out.push(`error ${n}`);
  }
  return out;
}
