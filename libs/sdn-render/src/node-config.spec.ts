import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningConfig } from '@sdn/model';
import { factsFromMocks, findCases, loadCase } from './conformance/case';
import { syntheticNodeFacts } from './facts/synthetic';
import { nodeRenderConfig } from './node-config';
import { withoutVersionLine } from './ifupdown/version-line';
import { renderInputKey, renderNode, renderNodeFrom } from './render';

const ZONES = path.resolve(__dirname, '../../../../shared/conformance/zones');
const NODES = ['n1', 'n2', 'n3', 'n4'];
const facts = (node: string) => syntheticNodeFacts(node, `10.0.0.${NODES.indexOf(node) + 1}`);

/** Zones of every local type, some on all nodes, some on a few; a vnet with a subnet in each, and one whose zone is missing. */
function mixed(extra: Partial<RunningConfig> = {}): RunningConfig {
  return {
    version: 7,
    zones: {
      ids: {
        zall: { type: 'simple', ipam: 'pve' },
        zs12: { type: 'simple', nodes: 'n1,n2', ipam: 'pve' },
        zv3: { type: 'vlan', bridge: 'vmbr0', nodes: 'n3' },
        zq23: { type: 'qinq', bridge: 'vmbr0', tag: 20, nodes: 'n2,n3' },
        zx: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4', nodes: 'n1,n4', mtu: 1400 },
      },
    },
    vnets: {
      ids: {
        va: { type: 'vnet', zone: 'zall' },
        vb: { type: 'vnet', zone: 'zs12' },
        vc: { type: 'vnet', zone: 'zv3', tag: 30 },
        vd: { type: 'vnet', zone: 'zq23', tag: 31 },
        ve: { type: 'vnet', zone: 'zx', tag: 5000 },
        vgone: { type: 'vnet', zone: 'nosuchzone', tag: 40 },
      },
    },
    subnets: {
      ids: {
        'zall-10.1.0.0-24': { type: 'subnet', vnet: 'va', gateway: '10.1.0.1', snat: 1 },
        'zs12-10.2.0.0-24': { type: 'subnet', vnet: 'vb', gateway: '10.2.0.1' },
        'zv3-10.3.0.0-24': { type: 'subnet', vnet: 'vc', gateway: '10.3.0.1' },
        'zx-10.5.0.0-24': { type: 'subnet', vnet: 've', gateway: '10.5.0.1' },
      },
    },
    ...extra,
  } as RunningConfig;
}

describe('nodeRenderConfig: a node rendered from its own zones only', () => {
  it('gives every node the same files as the whole config', () => {
    const config = mixed();
    for (const node of NODES) expect(renderNode(config, facts(node))).toEqual(renderNodeFrom(config, facts(node)));
  });

  it('keeps the deployed zones, their vnets and subnets, and vnets of missing zones', () => {
    const cut = nodeRenderConfig(mixed(), 'n3');
    expect(Object.keys(cut.zones!.ids).sort()).toEqual(['zall', 'zq23', 'zv3']);
    expect(Object.keys(cut.vnets!.ids).sort()).toEqual(['va', 'vc', 'vd', 'vgone']);
    expect(Object.keys(cut.subnets!.ids).sort()).toEqual(['zall-10.1.0.0-24', 'zv3-10.3.0.0-24']);
    expect(cut.version).toBe(7);
  });

  it('shares one cut between nodes on the same zones, and returns the config itself when a node has every zone', () => {
    const config = mixed();
    expect(nodeRenderConfig(config, 'n1')).not.toBe(config);
    expect(nodeRenderConfig(config, 'n1')).toBe(nodeRenderConfig(config, 'n1'));
    const everywhere = { ...config, zones: { ids: { zall: config.zones!.ids.zall } } } as RunningConfig;
    expect(nodeRenderConfig(everywhere, 'n2')).toBe(everywhere);
  });

  it('does not cut configs where a node may need other zones (EVPN, controllers, fabrics)', () => {
    const withController = mixed({ controllers: { ids: { c1: { type: 'bgp', asn: 65000, node: 'n1', peers: '10.0.0.9' } } } } as Partial<RunningConfig>);
    expect(nodeRenderConfig(withController, 'n3')).toBe(withController);
    const evpn = mixed();
    evpn.zones!.ids.zev = { type: 'evpn', controller: 'c', 'vrf-vxlan': 100, nodes: 'n1' };
    expect(nodeRenderConfig(evpn, 'n3')).toBe(evpn);
  });

  const cases = fs.existsSync(ZONES) ? findCases(ZONES) : [];
  it('gives the reference vectors the same files cut or whole', () => {
    expect(cases.length).toBe(50);
    for (const file of cases) {
      const c = loadCase(file);
      const f = factsFromMocks(c);
      expect({ name: c.name, files: renderNode(c.config, f) }).toEqual({ name: c.name, files: renderNodeFrom(c.config, f) });
    }
  });
});

describe('renderInputKey: what a node render depends on besides its version line', () => {
  const bumped = (c: RunningConfig): RunningConfig => ({ ...c, version: Number(c.version ?? 0) + 1 });
  const cases = fs.existsSync(ZONES) ? findCases(ZONES) : [];

  it('is the same for the next version of a reference vector, whose files then differ only in the version line', () => {
    expect(cases.length).toBe(50);
    for (const file of cases) {
      const c = loadCase(file);
      const f = factsFromMocks(c);
      const next = bumped(c.config);
      expect({ name: c.name, key: renderInputKey(next, f) }).toEqual({ name: c.name, key: renderInputKey(c.config, f) });
      const [a, b] = [renderNode(c.config, f), renderNode(next, f)];
      const body = (s: string) => withoutVersionLine(s) ?? s;
      expect({ name: c.name, files: { ...b, interfaces: body(b.interfaces) } }).toEqual({ name: c.name, files: { ...a, interfaces: body(a.interfaces) } });
    }
  });

  it("changes with the node's facts and its own zones' content, not with zones deployed elsewhere", () => {
    const config = mixed();
    const keys = (c: RunningConfig) => Object.fromEntries(NODES.map((n) => [n, renderInputKey(c, facts(n))]));
    const before = keys(config);
    // zv3 is on n3 only.
    const otherSubnet = mixed();
    otherSubnet.subnets!.ids['zv3-10.3.0.0-24'].gateway = '10.3.0.254';
    const after = keys(otherSubnet);
    expect(NODES.filter((n) => after[n] !== before[n])).toEqual(['n3']);
    expect(renderInputKey(config, syntheticNodeFacts('n1', '10.0.0.9'))).not.toBe(before.n1);
    // A controller: every node is rendered from the whole config, so any change is every node's.
    const withController = mixed({ controllers: { ids: { c1: { type: 'bgp', asn: 65000, node: 'n1', peers: '10.0.0.9' } } } } as Partial<RunningConfig>);
    const changed = mixed({ controllers: withController.controllers });
    changed.subnets!.ids['zv3-10.3.0.0-24'].gateway = '10.3.0.254';
    expect(NODES.filter((n) => renderInputKey(changed, facts(n)) !== renderInputKey(withController, facts(n)))).toEqual(NODES);
  });
});
