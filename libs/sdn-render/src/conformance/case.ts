import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningConfig } from '@sdn/model';
import { sortedKeys } from '@sdn/model';
import { parseInterfaces } from '../facts/interfaces-file';
import type { NodeFacts } from '../facts/node-facts';

/** One golden case of `../shared/conformance/zones/<type>/<case>/`. */
export interface ConformanceCase {
  name: string;
  dir: string;
  node: string;
  config: RunningConfig & { fabrics?: unknown };
  interfaces: string;
  frrConfLocal: string | null;
  mocks: Mocks;
  expectedInterfaces: string;
  /** Expected frr.conf, when the case compares it. */
  expectedFrr?: string;
}

interface Mocks {
  bridge_ifaces: string[];
  iface_mac: string;
  interface_addresses: Record<string, string>;
  is_ovs_bridge: boolean;
  is_vlanaware: boolean;
  local_route_ip: { iface: string | null; ip: string | null };
  nodename: string;
}

export function loadCase(caseFile: string): ConformanceCase {
  const dir = path.dirname(caseFile);
  const raw = JSON.parse(fs.readFileSync(caseFile, 'utf8'));
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    name: raw.name ?? path.basename(dir),
    dir,
    node: raw.node,
    config: raw.sdn_config,
    interfaces: raw.interfaces ?? '',
    frrConfLocal: raw.frr_conf_local ?? null,
    mocks: raw.mocks,
    expectedInterfaces: read('expected_sdn_interfaces'),
    expectedFrr: raw.compares_controller_config ? read('expected_controller_config') : undefined,
  };
}

/** Every `case.json` below `root`, in byte order of path. */
export function findCases(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'case.json') out.push(p);
    }
  };
  walk(root);
  return out;
}

/**
 * Node facts equivalent to the reference runner's stubs: the mocks answer the
 * same for every bridge and every route target, so every bridge the config
 * names gets the mocked bridge facts and the routing table is one default
 * route per family.
 */
export function factsFromMocks(c: ConformanceCase): NodeFacts {
  const m = c.mocks;
  const parsed = parseInterfaces(c.interfaces);
  const bridges: NodeFacts['bridges'] = {};
  for (const id of sortedKeys(c.config.zones?.ids)) {
    const bridge = c.config.zones!.ids[id].bridge;
    if (bridge) bridges[bridge] = { ovs: !!m.is_ovs_bridge, vlanAware: !!m.is_vlanaware, ports: [...(m.bridge_ifaces ?? [])] };
  }
  const route = m.local_route_ip ?? { iface: null, ip: null };
  const names = new Set<string>([...Object.keys(m.interface_addresses ?? {}), ...parsed.stanzas.map((s) => s.name)]);
  if (route.iface) names.add(route.iface);
  for (const ctl of Object.values(c.config.controllers?.ids ?? {})) if (ctl.loopback) names.add(ctl.loopback);
  const macs: Record<string, string> = {};
  for (const n of names) macs[n] = m.iface_mac;
  return {
    nodename: m.nodename ?? c.node,
    interfaces: parsed,
    addresses: { ...(m.interface_addresses ?? {}) },
    routes: [
      { dst: '0.0.0.0/0', dev: route.iface, src: route.ip },
      { dst: '::/0', dev: route.iface, src: route.ip },
    ],
    bridges,
    macs,
    frrLocal: c.frrConfLocal,
  };
}
