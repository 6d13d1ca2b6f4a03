import { createObject, deleteObject, updateObject, type EditResult } from '../edits';
import type { ObjectKind } from '../schema/kind';
import type { SdnConfig } from '../schema/normalise';
import { withObject } from '../edits/common';
import { seededRandom, syntheticConfig } from '../synthetic';
import { validateConfig } from './validate-config';
import { ConfigIndex } from './config-index';
import { scopedValidation } from './incremental';

/** Seeded, so a failing seed can be replayed. */
const rng = seededRandom;

// Small pools, so that random objects collide on tags, bridges, names and blocks.
const ZONES = ['za', 'zb', 'zc', 'zd', 'ze'];
const VNETS = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'vmbr0v10', 'vmbr0v20', 'vmbr1', 'vmbr0'];
const CIDRS = ['10.0.0.0/24', '10.0.0.0/16', '10.0.0.128/25', '10.1.0.0/24', '10.0.0.5/32', 'fd00::/64', 'fd00::/48', 'fd01::/64'];
const CONTROLLERS = ['ctl', 'ctl2', 'bgp1', 'bgp2', 'isis1'];
const NODES = ['n1', 'n2', 'n3'];

class Gen {
  constructor(readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  maybe<T>(p: number, v: () => T): T | undefined {
    return this.chance(p) ? v() : undefined;
  }
  nodes(): string {
    return NODES.filter(() => this.chance(0.5)).join(',') || 'n1';
  }
  tag(): unknown {
    return this.pick([10, 20, 30, 10, 20, undefined, undefined, 5000, 'abc', 0]);
  }

  zone(type = this.pick(['simple', 'vlan', 'qinq', 'vxlan', 'evpn'])): Record<string, unknown> {
    const z: Record<string, unknown> = { type };
    if (this.chance(0.3)) z.nodes = this.nodes();
    if (this.chance(0.25)) z.mtu = this.pick([1200, 1500, 65500, 9000]);
    if (this.chance(0.1)) z.ipam = this.pick(['pve', 'nb', 'nope']);
    if (this.chance(0.1)) z.dns = this.pick(['pdns', 'nope']);
    if (type === 'vlan' || type === 'qinq') z.bridge = this.pick(['vmbr0', 'vmbr0', 'vmbr1']);
    if (type === 'qinq') z.tag = this.pick([10, 20, 30]);
    if (type === 'vxlan') {
      if (this.chance(0.8)) z.peers = '10.9.0.1,10.9.0.2';
      else z.fabric = this.pick(['fab1', 'nofab']);
    }
    if (type === 'evpn') {
      z.controller = this.pick(['ctl', 'ctl', 'bgp1', 'nope']);
      if (this.chance(0.7)) z['vrf-vxlan'] = this.pick([10, 20, 40]);
      z.mac = 'BC:24:11:00:00:01';
      if (this.chance(0.2)) z.exitnodes = this.nodes();
    }
    return z;
  }

  vnet(): Record<string, unknown> {
    const v: Record<string, unknown> = { zone: this.pick([...ZONES, 'nozone']) };
    const tag = this.tag();
    if (tag !== undefined) v.tag = tag;
    if (this.chance(0.1)) v.vlanaware = 1;
    if (this.chance(0.2)) v.alias = 'x';
    return v;
  }

  subnet(cidr: string): Record<string, unknown> {
    const s: Record<string, unknown> = {};
    const v4 = !cidr.includes(':');
    if (this.chance(0.5)) s.gateway = v4 ? this.pick(['10.0.0.1', '10.0.0.129', '10.1.0.1', '10.2.0.1']) : this.pick(['fd00::1', 'fd02::1']);
    if (v4 && this.chance(0.2)) s['dhcp-range'] = [this.pick(['start-address=10.0.0.10,end-address=10.0.0.20', 'start-address=10.0.0.0,end-address=10.0.0.9', 'start-address=10.0.0.200,end-address=10.0.0.150'])];
    if (this.chance(0.1)) s.snat = 1;
    return s;
  }

  controller(id: string): Record<string, unknown> {
    if (id.startsWith('ctl')) return this.chance(0.8) ? { type: 'evpn', asn: 65000, peers: '10.9.0.1' } : { type: 'evpn', asn: 65000, fabric: 'fab1' };
    if (id.startsWith('bgp')) return { type: 'bgp', asn: 65001, peers: '10.9.0.3', node: this.pick(NODES) };
    return { type: 'isis', 'isis-domain': 'd', 'isis-ifaces': 'eth0', 'isis-net': '49.0001.1921.6800.1002.00', node: this.pick(NODES) };
  }

  /** Any stored value, valid or not: configurations with problems an edit did not cause. */
  raw(kind: ObjectKind): Record<string, unknown> {
    const base = kind === 'zones' ? this.zone() : kind === 'vnets' ? this.vnet() : kind === 'subnets' ? { type: 'subnet', vnet: this.pick(VNETS), ...this.subnet(this.pick(CIDRS)) } : this.controller(this.pick(CONTROLLERS));
    if (kind === 'vnets') base.type = 'vnet';
    if (this.chance(0.3)) delete base[this.pick(Object.keys(base))];
    if (kind === 'vnets' && this.chance(0.3)) base.tag = this.pick([5000, 16777216, -1, 'abc', 20]);
    return base;
  }
}

function initial(g: Gen): SdnConfig {
  const config: SdnConfig = {
    zones: { ids: {} },
    vnets: { ids: {} },
    subnets: { ids: {} },
    controllers: { ids: { ctl: { type: 'evpn', asn: 65000, peers: '10.9.0.1' } } },
  };
  if (g.chance(0.5)) config.ipams = { ids: { pve: { type: 'pve' }, nb: { type: 'netbox', url: 'https://nb/api', token: 't' } } };
  if (g.chance(0.5)) config.dns = { ids: { pdns: { type: 'powerdns', url: 'http://dns:8081/api/v1/servers/localhost', key: 'k' } } };
  if (g.chance(0.5)) config.fabrics = { ids: { fab1: { type: 'openfabric_fabric' } } };
  return config;
}

interface Op {
  describe: string;
  run(config: SdnConfig, index: ConfigIndex | undefined): EditResult;
  kind: ObjectKind;
}

/** `lift`: the request accepts a gateway outside its subnet (S4 lifted for the edit). */
const options = (index: ConfigIndex | undefined, lift = false) => ({ generateMac: () => 'BC:24:11:00:00:02', index, gatewayOutsideSubnet: lift });

function randomOp(g: Gen, config: SdnConfig): Op {
  const kind = g.pick<ObjectKind>(['zones', 'vnets', 'vnets', 'vnets', 'subnets', 'subnets', 'controllers']);
  const lift = kind === 'subnets' && g.chance(0.3);
  const existing = Object.keys((config as Record<string, { ids: object }>)[kind]?.ids ?? {});
  const action = existing.length && g.chance(0.45) ? g.pick(['update', 'update', 'delete']) : 'create';
  if (action === 'create') {
    let params: Record<string, unknown>;
    if (kind === 'zones') params = { zone: g.pick(ZONES), ...g.zone() };
    else if (kind === 'vnets') params = { vnet: g.pick(VNETS), ...g.vnet() };
    else if (kind === 'subnets') params = { vnet: g.pick(VNETS), subnet: g.pick(CIDRS), ...g.subnet('10.0.0.0/24') };
    else {
      const id = g.pick(CONTROLLERS);
      params = { controller: id, ...g.controller(id) };
    }
    return { kind, describe: `create ${kind} ${JSON.stringify(params)}${lift ? ' (lift S4)' : ''}`, run: (c, index) => createObject(c, kind, params, options(index, lift)) };
  }
  const id = g.pick(existing);
  if (action === 'delete') {
    const vnet = kind === 'subnets' && g.chance(0.5) ? g.pick(VNETS) : undefined;
    return { kind, describe: `delete ${kind} ${id} (vnet ${vnet})`, run: (c, index) => deleteObject(c, kind, id, { vnet }, options(index)) };
  }
  let params: Record<string, unknown>;
  if (kind === 'zones') {
    params = { mtu: g.pick([1200, 1500, 9000]) };
    if (g.chance(0.3)) params = { nodes: g.nodes() };
    if (g.chance(0.2)) params = { delete: 'mtu' };
  } else if (kind === 'vnets') {
    params = g.chance(0.3) ? { delete: g.pick(['tag', 'vlanaware', 'alias']) } : {};
    const v = g.vnet();
    for (const k of Object.keys(v)) if (g.chance(0.5) && !(typeof params.delete === 'string' && params.delete === k)) params[k] = v[k];
  } else if (kind === 'subnets') params = g.subnet(id.split('-')[1] ?? '');
  else params = g.chance(0.5) ? { node: g.pick(NODES) } : { asn: g.pick([65000, 0, 65002]) };
  return { kind, describe: `update ${kind} ${id} ${JSON.stringify(params)}${lift ? ' (lift S4)' : ''}`, run: (c, index) => updateObject(c, kind, id, params, options(index, lift)) };
}

/** Everything a caller can observe of an edit result, key order included. */
function observable(r: EditResult): string {
  return r.ok ? JSON.stringify({ ok: true, id: r.id, object: r.object, config: r.config }) : JSON.stringify(r);
}

describe('incremental validation of an edit', () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('gives the same result as full validation (seed %i)', (seed) => {
    const g = new Gen(rng(seed));
    let config = initial(g);
    const index = ConfigIndex.build(config);
    let accepted = 0;
    let refused = 0;
    for (let step = 0; step < 400; step++) {
      if (g.chance(0.08)) {
        // A stored object no edit would accept, as an older version or a hand-edited file may leave.
        const kind = g.pick<ObjectKind>(['zones', 'vnets', 'vnets', 'subnets']);
        const id = kind === 'zones' ? g.pick(ZONES) : kind === 'vnets' ? g.pick(VNETS) : `${g.pick(ZONES)}-${g.pick(CIDRS).replace('/', '-')}`;
        const raw = g.raw(kind);
        config = { ...config, [kind]: { ids: { ...(config as Record<string, { ids: object }>)[kind].ids, [id]: raw } } };
        index.set(kind, id, raw);
        continue;
      }
      const op = randomOp(g, config);
      const full = op.run(config, undefined);
      const incremental = op.run(config, index);
      if (observable(incremental) !== observable(full)) {
        throw new Error(`seed ${seed} step ${step}: ${op.describe}\nfull:        ${observable(full)}\nincremental: ${observable(incremental)}`);
      }
      if (full.ok) {
        accepted++;
        config = full.config;
        index.set(op.kind, full.id, full.object ?? undefined);
      } else refused++;
    }
    // Both paths were exercised in earnest.
    expect(accepted).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(40);
  });

  it.each(Array.from({ length: 10 }, (_, i) => i + 100))('reports every path a raw change can change, as full validation does (seed %i)', (seed) => {
    const g = new Gen(rng(seed));
    let config = initial(g);
    const index = ConfigIndex.build(config);
    let checked = 0;
    const wrong: string[] = [];
    for (let step = 0; step < 300; step++) {
      const kind = g.pick<ObjectKind>(['zones', 'vnets', 'vnets', 'vnets', 'subnets', 'subnets', 'controllers']);
      const id = kind === 'zones' ? g.pick(ZONES) : kind === 'vnets' ? g.pick(VNETS) : kind === 'subnets' ? `${g.pick(ZONES)}-${g.pick(CIDRS).replace('/', '-')}` : g.pick(CONTROLLERS);
      const value = g.chance(0.2) ? undefined : g.raw(kind);
      const after = withObject(config, kind, id, value);
      const scoped = scopedValidation(config, index, kind, id, value);
      if (kind !== 'zones') expect(scoped).toBeDefined();
      if (scoped) {
        const before = validateConfig(config);
        const now = validateConfig(after);
        const at = `step ${step}: ${kind} ${id} := ${JSON.stringify(value)}`;
        for (const [path, msg] of Object.entries(scoped.before)) if (before[path] !== msg) wrong.push(`${at}: before ${path}: ${msg} ≠ ${before[path]}`);
        for (const [path, msg] of Object.entries(scoped.after)) if (now[path] !== msg) wrong.push(`${at}: after ${path}: ${msg} ≠ ${now[path]}`);
        for (const path of new Set([...Object.keys(before), ...Object.keys(now)])) {
          if (before[path] === now[path] || !path.includes('.')) continue;
          // A path the change altered must be among those reported.
          if (scoped.before[path] !== before[path] || scoped.after[path] !== now[path]) wrong.push(`${at}: ${path} changed (${before[path]} → ${now[path]}) but was not reported`);
          checked++;
        }
      }
      config = after;
      index.set(kind, id, value);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('validates only the neighbourhood of a vnet edit in a large configuration', () => {
    const config = syntheticConfig({ vxlan: 1500, evpn: 500, peers: ['10.0.0.1', '10.0.0.2'] });
    const index = ConfigIndex.build(config);
    const scoped = scopedValidation(config, index, 'vnets', 'new1', { type: 'vnet', zone: 'vxzone', tag: 100000 });
    expect(scoped).toBeDefined();
    expect(scoped!.validated).toBeLessThan(10);
    // A clash is still found, against the one vnet it clashes with.
    const clash = createObject(config, 'vnets', { vnet: 'new1', zone: 'vxzone', tag: 7 }, { index });
    expect(clash).toEqual({ ok: false, code: 'invalid', errors: { tag: 'vxlan tag 7 already exist in vnet vx6 in zone vxzone' } });
    expect(createObject(config, 'vnets', { vnet: 'new1', zone: 'vxzone', tag: 7 })).toEqual(clash);
  });

  it('falls back to full validation when the index does not describe the configuration', () => {
    const config = syntheticConfig({ vxlan: 3, evpn: 0, peers: ['10.0.0.1'] });
    const stale = ConfigIndex.build(config);
    const changed: SdnConfig = { ...config, vnets: { ids: { ...config.vnets!.ids, vx1: { type: 'vnet', zone: 'vxzone', tag: 3 } } } };
    expect(scopedValidation(changed, stale, 'vnets', 'vx1', { type: 'vnet', zone: 'vxzone', tag: 9 })).toBeUndefined();
    // vx0's new tag is vx1's old one: the index would hand out vx1 as it was.
    expect(scopedValidation(changed, stale, 'vnets', 'vx0', { type: 'vnet', zone: 'vxzone', tag: 2 })).toBeUndefined();
  });
});
