import { bundleContentHash, type NodeFactsMessageV1 } from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { renderInputKey, renderNode, type NodeFacts } from '@sdn/render';
import { bundleContentKey, planBundles, renderFactsOf, type PlanInput, type RenderMemo } from './plan-bundles';
import { factsMessage, sampleConfig } from './test-fixtures';

const NOW = '2026-01-01T00:00:00.000Z';
const threeNodes = new Map([
  ['n1', factsMessage('n1', '10.0.0.1')],
  ['n2', factsMessage('n2', '10.0.0.2')],
  ['n3', factsMessage('n3', '10.0.0.3')],
]);
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  config: { version: 4, running: sampleConfig(4), task: 'UPID:t1' },
  facts: threeNodes,
  lastBundles: new Map(),
  now: NOW,
  ...over,
});

describe('planBundles', () => {
  it('renders a bundle for every node with facts, with version, task and content hash', () => {
    const plan = planBundles(input());
    expect(plan.skipped).toEqual([]);
    expect(plan.publish.map((b) => b.node)).toEqual(['n1', 'n2', 'n3']);
    for (const b of plan.publish) {
      expect(b).toMatchObject({ version: 4, task: 'UPID:t1', renderedAt: NOW });
      expect(b.hash).toBe(bundleContentHash(b.files));
      expect(b.files.interfaces).toContain('auto vx1');
    }
  });

  it("honours a zone's node restriction: only n1 gets the simple zone's vnet", () => {
    const byNode = Object.fromEntries(planBundles(input()).publish.map((b) => [b.node, b.files.interfaces]));
    expect(byNode.n1).toContain('auto vs1');
    expect(byNode.n2).not.toContain('vs1');
    expect(byNode.n3).not.toContain('vs1');
  });

  it("names in each bundle the zones and vnets deployed on that node, with the zone's type", () => {
    const byNode = Object.fromEntries(planBundles(input()).publish.map((b) => [b.node, b.scope]));
    expect(byNode.n1).toEqual({ zones: { zs: { type: 'simple' }, zx: { type: 'vxlan' } }, vnets: { vs1: { zone: 'zs' }, vx1: { zone: 'zx' } } });
    expect(byNode.n2).toEqual({ zones: { zx: { type: 'vxlan' } }, vnets: { vx1: { zone: 'zx' } } });
  });

  it('renders each node against its own facts (VXLAN peers exclude the node itself)', () => {
    const byNode = Object.fromEntries(planBundles(input()).publish.map((b) => [b.node, b.files.interfaces]));
    expect(byNode.n1).toMatch(/vxlan_remoteip 10\.0\.0\.2/);
    expect(byNode.n1).not.toMatch(/vxlan_remoteip 10\.0\.0\.1\b/);
    expect(byNode.n2).not.toMatch(/vxlan_remoteip 10\.0\.0\.2\b/);
  });

  it('skips a node whose last bundle has the same hash', () => {
    const first = planBundles(input());
    const n2 = first.publish.find((b) => b.node === 'n2')!;
    const plan = planBundles(input({ lastBundles: new Map([['n2', { version: 4, hash: n2.hash }]]) }));
    expect(plan.publish.map((b) => b.node)).toEqual(['n1', 'n3']);
    expect(plan.skipped).toEqual([{ node: 'n2', reason: 'unchanged' }]);
  });

  it('re-sends a bundle when only the facts changed (same version, other hash)', () => {
    const before = planBundles(input()).publish.find((b) => b.node === 'n2')!;
    const moved = new Map(threeNodes).set('n2', factsMessage('n2', '10.0.0.9'));
    const plan = planBundles(input({ facts: moved, lastBundles: new Map([['n2', { version: 4, hash: before.hash }]]) }));
    expect(plan.publish.map((b) => b.node)).toContain('n2');
  });

  it('never replaces a bundle of a newer config version', () => {
    const plan = planBundles(input({ lastBundles: new Map([['n3', { version: 5, hash: 'x' }]]) }));
    expect(plan.publish.map((b) => b.node)).toEqual(['n1', 'n2']);
    expect(plan.skipped).toEqual([{ node: 'n3', reason: 'superseded', detail: 'node has version 5' }]);
  });

  it('leaves out nodes with unusable facts and nodes the renderer fails on, keeping the others', () => {
    const facts = new Map(threeNodes).set('n2', { ...factsMessage('n2', '10.0.0.2'), facts: { nodename: 'n2' } });
    const plan = planBundles(
      input({
        facts,
        render: (config, f) => {
          if (f.nodename === 'n3') throw new Error('boom');
          return { interfaces: `#version:${config.version}\n` };
        },
      }),
    );
    expect(plan.publish.map((b) => b.node)).toEqual(['n1']);
    expect(plan.skipped.map((s) => [s.node, s.reason])).toEqual([
      ['n2', 'invalid-facts'],
      ['n3', 'render-failed'],
    ]);
    expect(plan.skipped[1].detail).toBe('boom');
  });

  it('omits task and warnings when there are none, and carries frr (with the managed daemons) when rendered', () => {
    const plan = planBundles(input({ config: { version: 1, running: sampleConfig(1) }, render: () => ({ interfaces: 'i', frr: 'f' }) }));
    expect(plan.publish[0]).toEqual({
      node: 'n1',
      version: 1,
      hash: bundleContentHash({ interfaces: 'i', frr: 'f' }),
      files: { interfaces: 'i', frr: 'f' },
      scope: expect.objectContaining({ zones: expect.any(Object) }),
      renderedAt: NOW,
      // With an frr.conf the daemons SDN manages are always set: off, as this config has no fabric.
      frrDaemons: { fabricd: false, ospfd: false },
    });
  });

  it('sets the FRR daemons of each node from its fabric memberships, only in bundles that carry frr.conf', () => {
    const running = sampleConfig(5) as ReturnType<typeof sampleConfig> & { fabrics?: unknown };
    running.fabrics = {
      ids: {
        of: { type: 'openfabric_fabric', id: 'of', ip_prefix: '10.9.0.0/24' },
        of_n1: { type: 'openfabric_node', id: 'of_n1', ip: '10.9.0.1', interfaces: ['name=eth1'] },
        of_n2: { type: 'openfabric_node', id: 'of_n2', ip: '10.9.0.2', interfaces: ['name=eth1'] },
        os: { type: 'ospf_fabric', id: 'os', area: '0', ip_prefix: '10.8.0.0/24' },
        os_n2: { type: 'ospf_node', id: 'os_n2', ip: '10.8.0.2', interfaces: ['name=eth2'] },
      },
    };
    const byNode = Object.fromEntries(planBundles(input({ config: { version: 5, running } })).publish.map((b) => [b.node, b]));
    expect(byNode.n1.frrDaemons).toEqual({ fabricd: true, ospfd: false });
    expect(byNode.n2.frrDaemons).toEqual({ fabricd: true, ospfd: true });
    // n3 is in no fabric but still gets an frr.conf (the config has fabrics): both daemons off, as the reference resets them.
    expect(byNode.n3.files.frr).toBeDefined();
    expect(byNode.n3.frrDaemons).toEqual({ fabricd: false, ospfd: false });
    expect(planBundles(input()).publish.every((b) => b.files.frr === undefined && b.frrDaemons === undefined)).toBe(true);
  });
});

describe('planBundles: version-only messages', () => {
  const v4 = planBundles(input());
  /** The nodes' latest full bundles are those of version 4, stored with their content keys. */
  const stored = (over: Partial<{ contentKey?: string }> = {}) =>
    new Map(v4.publish.map((b) => [b.node, { version: 4, hash: b.hash, full: { version: 4, hash: b.hash, contentKey: v4.contentKeys.get(b.node), ...over } }]));

  it('records a content key for every full bundle it plans', () => {
    expect([...v4.contentKeys.keys()]).toEqual(['n1', 'n2', 'n3']);
    for (const b of v4.publish) expect(v4.contentKeys.get(b.node)).toBe(bundleContentKey(b));
  });

  it('sends a node whose render changed only in the version a version-only message naming its base', () => {
    const plan = planBundles(input({ config: { version: 5, running: sampleConfig(5), task: 'UPID:t2', correlationId: 'c5' }, lastBundles: stored() }));
    expect(plan.publish).toEqual([]);
    const full5 = planBundles(input({ config: { version: 5, running: sampleConfig(5) } }));
    expect(plan.versionOnly).toEqual(
      v4.publish.map((b, i) => ({
        node: b.node,
        version: 5,
        // The hash of the full bundle version 5 would be: the agent checks the files it re-versions against it.
        hash: full5.publish[i].hash,
        baseVersion: 4,
        baseHash: b.hash,
        task: 'UPID:t2',
        correlationId: 'c5',
        renderedAt: NOW,
      })),
    );
    expect(full5.publish[0].files.interfaces.replace('#version:5\n', '#version:4\n')).toBe(v4.publish[0].files.interfaces);
  });

  it('sends the full bundle when the files, the zones and vnets, or the base is unknown', () => {
    // n1 alone gets a new vnet (zone zs is restricted to n1).
    const running = sampleConfig(5);
    running.vnets!.ids.vs2 = { type: 'vnet', zone: 'zs' };
    const plan = planBundles(input({ config: { version: 5, running }, lastBundles: stored() }));
    expect(plan.publish.map((b) => b.node)).toEqual(['n1']);
    expect(plan.versionOnly.map((m) => m.node)).toEqual(['n2', 'n3']);
    // A zone deployed on n2 and n3 without vnets changes no file there, only the scope their status reports.
    const withZone = sampleConfig(5);
    withZone.zones!.ids.zy = { type: 'vxlan', peers: '10.0.0.2,10.0.0.3', ipam: 'pve' };
    const z = planBundles(input({ config: { version: 5, running: withZone }, lastBundles: stored() }));
    expect(z.publish.map((b) => b.node)).toEqual(['n1', 'n2', 'n3']);
    // No content key (a full bundle of an older config service): full bundles, which record one.
    const old = planBundles(input({ config: { version: 5, running: sampleConfig(5) }, lastBundles: stored({ contentKey: undefined }) }));
    expect(old.publish.map((b) => b.node)).toEqual(['n1', 'n2', 'n3']);
    expect(old.versionOnly).toEqual([]);
    expect(old.contentKeys.size).toBe(3);
  });

  it('re-sends nothing when the node already runs this version (a redelivered event)', () => {
    const full5 = planBundles(input({ config: { version: 5, running: sampleConfig(5) } }));
    const bumped = new Map(full5.publish.map((b) => [b.node, { version: 5, hash: b.hash, full: { version: 4, hash: 'h4', contentKey: full5.contentKeys.get(b.node) } }]));
    const plan = planBundles(input({ config: { version: 5, running: sampleConfig(5) }, lastBundles: bumped }));
    expect(plan.publish).toEqual([]);
    expect(plan.versionOnly).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('has no content key for files without a version line (nothing to re-version)', () => {
    const plan = planBundles(input({ render: () => ({ interfaces: 'auto x\n' }) }));
    expect(plan.contentKeys.size).toBe(0);
  });
});

describe('renderFactsOf', () => {
  it('accepts the facts the node agent publishes', () => {
    expect(renderFactsOf('n1', factsMessage('n1', '10.0.0.1'))).toHaveProperty('facts.nodename', 'n1');
  });
  it('rejects facts published under another node name', () => {
    expect(renderFactsOf('n2', factsMessage('n1', '10.0.0.1'))).toEqual({ problem: 'facts on the subject of n2 name node n1' });
    const renamed = factsMessage('n2', '10.0.0.1');
    renamed.facts.nodename = 'other';
    expect(renderFactsOf('n2', renamed)).toEqual({ problem: 'facts.nodename other differs from node n2' });
  });
  it('names the missing fields of malformed facts', () => {
    const r = renderFactsOf('n1', { ...factsMessage('n1', '10.0.0.1'), facts: { nodename: 'n1', addresses: {} } });
    expect('problem' in r && r.problem).toMatch(/routes must be an array/);
  });
});

describe('planBundles: rendering only nodes whose render inputs changed', () => {
  const IPS: Record<string, string> = { n1: '10.0.0.1', n2: '10.0.0.2', n3: '10.0.0.3', n4: '10.0.0.4' };
  /** VXLAN zones on n1+n2 and on n3+n4 (DHCP on the latter), a VLAN zone on n4, a simple zone with SNAT (reads the facts) everywhere. */
  const zoned = (version: number): RunningConfig => ({
    version,
    zones: {
      ids: {
        za: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2', nodes: 'n1,n2', ipam: 'pve' },
        zb: { type: 'vxlan', peers: '10.0.0.3,10.0.0.4', nodes: 'n3,n4', ipam: 'pve', dhcp: 'dnsmasq' },
        zv: { type: 'vlan', bridge: 'vmbr0', nodes: 'n4', ipam: 'pve' },
        zs: { type: 'simple', ipam: 'pve' },
      },
    },
    vnets: { ids: { va1: { type: 'vnet', zone: 'za', tag: 100 }, vb1: { type: 'vnet', zone: 'zb', tag: 200 }, vv1: { type: 'vnet', zone: 'zv', tag: 30 }, vs1: { type: 'vnet', zone: 'zs' } } },
    subnets: {
      ids: {
        'za-10.1.0.0-24': { type: 'subnet', vnet: 'va1', gateway: '10.1.0.1' },
        'zb-10.2.0.0-24': { type: 'subnet', vnet: 'vb1', gateway: '10.2.0.1', 'dhcp-range': ['start-address=10.2.0.100,end-address=10.2.0.200'] },
        'zs-10.3.0.0-24': { type: 'subnet', vnet: 'vs1', gateway: '10.3.0.1', snat: 1 },
      },
    },
  });
  const factsOf = () => new Map(Object.entries(IPS).map(([n, ip]) => [n, factsMessage(n, ip)]));
  type Change = (running: RunningConfig, facts: Map<string, NodeFactsMessageV1>) => void;
  const nodeFacts = (facts: Map<string, NodeFactsMessageV1>, node: string) => facts.get(node)!.facts as unknown as NodeFacts;

  /**
   * Version 1 planned with a memo of renders, stored as the nodes' full
   * bundles; then version 2 after `change`, once with that memo and once
   * rendering every node. The plans must be equal: a render input the key
   * misses makes the memo's plan re-version stale files.
   */
  function both(change: Change) {
    const renders = new Map<string, RenderMemo>();
    const facts1 = factsOf();
    const v1 = planBundles({ config: { version: 1, running: zoned(1) }, facts: facts1, lastBundles: new Map(), now: NOW, renders });
    const lastBundles = new Map(v1.publish.map((b) => [b.node, { version: 1, hash: b.hash, full: { version: 1, hash: b.hash, contentKey: v1.contentKeys.get(b.node) } }]));
    const running = zoned(2);
    const facts = factsOf();
    change(running, facts);
    const rendered: string[] = [];
    const counting = (config: RunningConfig, f: NodeFacts) => (rendered.push(f.nodename), renderNode(config, f));
    const config = { version: 2, running, task: 'UPID:t2' };
    const keyed = planBundles({ config, facts, lastBundles, now: NOW, renders, render: counting, inputKey: renderInputKey });
    const fresh = planBundles({ config, facts, lastBundles, now: NOW });
    return { keyed, fresh, rendered };
  }

  const cases: { name: string; change: Change; rendered: string[] }[] = ([
    ['nothing but the version', () => {}, []],
    ["a vnet added to n1 and n2's zone", (c) => void (c.vnets!.ids.va2 = { type: 'vnet', zone: 'za', tag: 101 }), ['n1', 'n2']],
    ["a subnet of n3 and n4's zone changed", (c) => void (c.subnets!.ids['zb-10.2.0.0-24'].gateway = '10.2.0.254'), ['n3', 'n4']],
    ["the DHCP range of n3 and n4's zone changed", (c) => void (c.subnets!.ids['zb-10.2.0.0-24']['dhcp-range'] = ['start-address=10.2.0.50,end-address=10.2.0.60']), ['n3', 'n4']],
    ['a subnet added to the zone on every node', (c) => void (c.subnets!.ids['zs-10.4.0.0-24'] = { type: 'subnet', vnet: 'vs1', gateway: '10.4.0.1' }), ['n1', 'n2', 'n3', 'n4']],
    ['the VLAN zone deployed on n3 too', (c) => void (c.zones!.ids.zv.nodes = 'n3,n4'), ['n3', 'n4']],
    ['a vnet whose zone does not exist (every node reports it)', (c) => void (c.vnets!.ids.vgone = { type: 'vnet', zone: 'nosuchzone', tag: 40 }), ['n1', 'n2', 'n3', 'n4']],
    ['the VLAN zone and its vnet removed', (c) => (delete c.zones!.ids.zv, void delete c.vnets!.ids.vv1), ['n4']],
    ["n2's underlay address (its facts)", (_c, f) => void f.set('n2', factsMessage('n2', '10.0.0.22')), ['n2']],
    ["n4's bridge ports (its facts)", (_c, f) => void (nodeFacts(f, 'n4').bridges.vmbr0.ports = ['eth1']), ['n4']],
    ['an IPAM added (a section every cut keeps whole)', (c) => void (c.ipams = { ids: { other: { type: 'pve' } } }), ['n1', 'n2', 'n3', 'n4']],
    ['a BGP controller (the whole config for every node)', (c) => void (c.controllers = { ids: { c1: { type: 'bgp', asn: 65000, node: 'n1', peers: '10.0.0.9' } } }), ['n1', 'n2', 'n3', 'n4']],
  ] as [string, Change, string[]][]).map(([name, change, rendered]) => ({ name, change, rendered }));

  it.each(cases)('$name: the same plan as rendering every node, rendering only $rendered', ({ change, rendered: expected }) => {
    const { keyed, fresh, rendered } = both(change);
    expect(keyed.publish).toEqual(fresh.publish);
    expect(keyed.versionOnly).toEqual(fresh.versionOnly);
    expect(keyed.contentKeys).toEqual(fresh.contentKeys);
    expect(keyed.skipped).toEqual(fresh.skipped);
    expect(rendered).toEqual(expected);
    expect(keyed.rendered).toBe(expected.length);
    // The nodes not rendered got version-only messages (their files differ only in the version line).
    expect(keyed.versionOnly.map((m) => m.node)).toEqual(expect.arrayContaining(Object.keys(IPS).filter((n) => !expected.includes(n))));
  });

  it('renders a node again when its last render had other inputs, and keeps no memo for a render of its own', () => {
    const renders = new Map<string, RenderMemo>();
    planBundles({ config: { version: 1, running: zoned(1) }, facts: factsOf(), lastBundles: new Map(), now: NOW, renders });
    expect([...renders.keys()]).toEqual(['n1', 'n2', 'n3', 'n4']);
    const again = planBundles({ config: { version: 2, running: zoned(2) }, facts: factsOf(), lastBundles: new Map(), now: NOW, renders });
    expect(again.rendered).toBe(0);
    // Without a content key on the node's bundle (a first bundle), the re-versioned files still go out in full, as rendered.
    expect(again.publish.map((b) => b.hash)).toEqual(planBundles({ config: { version: 2, running: zoned(2) }, facts: factsOf(), lastBundles: new Map(), now: NOW }).publish.map((b) => b.hash));
    // Another renderer's files are not those of renderNode's inputs: no memo without its input key.
    const custom = planBundles({ config: { version: 3, running: zoned(3) }, facts: factsOf(), lastBundles: new Map(), now: NOW, renders, render: () => ({ interfaces: '#version:3\nx\n' }) });
    expect(custom.rendered).toBe(4);
    expect(custom.publish.every((b) => b.files.interfaces === '#version:3\nx\n')).toBe(true);
  });
});
