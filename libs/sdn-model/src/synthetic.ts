import type { RunningConfig } from './model';

/**
 * A large, valid running config for benchmarks and load tests: `vxlan` vnets
 * in one VXLAN zone and `evpn` vnets in one EVPN zone, each vnet with a /24
 * subnet and gateway, and one EVPN controller.
 */
export function syntheticConfig(opts: { vxlan: number; evpn: number; peers: string[]; version?: number }): RunningConfig {
  const zones: NonNullable<RunningConfig['zones']>['ids'] = {
    vxzone: { type: 'vxlan', peers: opts.peers.join(','), ipam: 'pve' },
    evzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 10000, mac: 'BC:24:11:00:00:01', ipam: 'pve' },
  };
  const vnets: NonNullable<RunningConfig['vnets']>['ids'] = {};
  const subnets: NonNullable<RunningConfig['subnets']>['ids'] = {};
  const add = (zone: string, prefix: string, i: number, tag: number) => {
    const id = `${prefix}${i}`;
    vnets[id] = { type: 'vnet', zone, tag };
    // 10.<hi>.<lo>.0/24 keeps every subnet distinct for up to 65536 vnets.
    const n = tag - 1;
    const net = `${10 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.0`;
    subnets[`${zone}-${net}-24`] = { type: 'subnet', vnet: id, gateway: net.replace(/0$/, '1') };
  };
  for (let i = 0; i < opts.vxlan; i++) add('vxzone', 'vx', i, 1 + i);
  for (let i = 0; i < opts.evpn; i++) add('evzone', 'ev', i, 1 + opts.vxlan + i);
  return {
    version: opts.version ?? 1,
    zones: { ids: zones },
    vnets: { ids: vnets },
    subnets: { ids: subnets },
    controllers: { ids: { evpnctl: { type: 'evpn', asn: 65000, peers: opts.peers.join(',') } } },
  };
}

/**
 * A cluster where nodes carry the networks of their group, not all of them:
 * VXLAN zones of `zoneNodes` nodes each (the zone's `nodes` and `peers`),
 * `vnets` vnets spread over the zones round robin, a /24 subnet per vnet.
 * Node i is `nodeName(i)` with underlay address `nodeIp(i)` (bench:scale, render bench).
 */
export function zonedSyntheticConfig(opts: { nodes: number; zoneNodes: number; vnets: number; nodeName: (i: number) => string; nodeIp: (i: number) => string; version?: number }): RunningConfig {
  const zones: NonNullable<RunningConfig['zones']>['ids'] = {};
  for (let i = 0; i < opts.nodes; i += opts.zoneNodes) {
    const members = Array.from({ length: Math.min(opts.zoneNodes, opts.nodes - i) }, (_, k) => i + k);
    zones[`sz${Math.floor(i / opts.zoneNodes)}`] = { type: 'vxlan', peers: members.map(opts.nodeIp).join(','), nodes: members.map(opts.nodeName).join(','), ipam: 'pve' };
  }
  const zoneIds = Object.keys(zones);
  const vnets: NonNullable<RunningConfig['vnets']>['ids'] = {};
  const subnets: NonNullable<RunningConfig['subnets']>['ids'] = {};
  for (let v = 0; v < opts.vnets; v++) {
    const zone = zoneIds[v % zoneIds.length];
    vnets[`sv${v}`] = { type: 'vnet', zone, tag: v + 1 };
    const net = `${10 + (v >> 16)}.${(v >> 8) & 255}.${v & 255}.0`;
    subnets[`${zone}-${net}-24`] = { type: 'subnet', vnet: `sv${v}`, gateway: net.replace(/0$/, '1') };
  }
  return { version: opts.version ?? 1, zones: { ids: zones }, vnets: { ids: vnets }, subnets: { ids: subnets } };
}

/** A deterministic PRNG (mulberry32) for randomised tests: a failing case replays from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
