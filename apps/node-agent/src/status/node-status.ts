import type { NodeBundleScopeV1, NodeStatusV1 } from '@sdn/contracts';

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

/**
 * Per-zone and per-vnet state on this node, following spec §5: pending
 * while the local file is missing or older than the running config, error
 * when the vnet's interfaces are missing or fail ifupdown2's check,
 * available otherwise. The running config is known from the newest bundle
 * (its version and the zones/vnets deployed here); before any bundle the
 * maps are empty (§5.1.1).
 */
export function zoneVnetStatus(known: KnownConfig | null, local: number | null, iface: (name: string) => IfaceState): Pick<NodeStatusV1, 'zones' | 'vnets'> {
  const zones: NodeStatusV1['zones'] = {};
  const vnets: NodeStatusV1['vnets'] = {};
  if (!known) return { zones, vnets };

  const errConfig =
    local === null ? 'local sdn network configuration is not yet generated, please reload' : local < known.version ? 'local sdn network configuration is too old, please reload' : undefined;
  const zoneDefs = known.scope.zones;
  for (const zoneId of Object.keys(zoneDefs).sort()) zones[zoneId] = errConfig ? { state: 'pending' } : { state: 'available' };
  for (const [vnetId, { zone: zoneId }] of Object.entries(known.scope.vnets)) {
    const zone = zoneDefs[zoneId];
    if (!zone) {
      vnets[vnetId] = { zone: '', state: 'error', message: `unknown zone '${zoneId}' configured` };
      continue;
    }
    if (errConfig) {
      vnets[vnetId] = { zone: zoneId, state: 'pending', message: errConfig };
      continue;
    }
    const problems = vnetProblems(vnetId, zone.type, zone.bridge ?? '', iface);
    if (problems.length) {
      vnets[vnetId] = { zone: zoneId, state: 'error', message: problems.join(',') };
      zones[zoneId] = { state: 'error' };
    } else vnets[vnetId] = { zone: zoneId, state: 'available' };
  }
  return { zones, vnets };
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
