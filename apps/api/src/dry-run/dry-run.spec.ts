import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { bundleContentHash, packNodeBundle } from '@sdn/contracts';
import { startTestApi, type TestApi } from '../testing/test-app';
import { NodeFilesSource } from './node-files.source';

/**
 * Without NATS (no facts, no bundle published for the node) the running side
 * is empty: the diff shows everything apply would write.
 */
describe('GET /cluster/sdn/dry-run', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vnet1', zone: 'zs' }).expect(200);
    await api.post('vnets/vnet1/subnets', { subnet: '10.5.0.0/24', type: 'subnet', gateway: '10.5.0.1' }).expect(200);
  });
  afterAll(() => api.close());

  it('diffs the pending config rendered for the node against an empty running side', async () => {
    const data = (await api.get('dry-run?node=node1').expect(200)).body.data;
    expect(data['facts-known']).toBe(false);
    const diff: string = data['interfaces-diff'];
    expect(diff.split('\n').slice(0, 2)).toEqual(['--- /etc/network/interfaces.d/sdn', '+++ pending']);
    expect(diff).toMatch(/^\+#version:1$/m);
    expect(diff).toMatch(/^\+auto vnet1$/m);
    expect(diff).toMatch(/^\+\s+address 10\.5\.0\.1\/24$/m);
    expect(diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    expect(data['frr-diff']).toBeNull(); // no controllers: no FRR config
  });

  it('against the bundle a node runs: only what apply would change, whitespace ignored', async () => {
    // What the node runs: the rendering of the current config, re-indented with spaces.
    const current = (await api.get('dry-run?node=node1')).body.data['interfaces-diff'] as string;
    const running = current
      .split('\n')
      .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
      .map((l) => l.slice(1).replace(/^\t/, '    '))
      .join('\n');
    const source = api.app.get(NodeFilesSource);
    const bundle = jest.spyOn(source, 'bundle').mockResolvedValue({ node: 'node1', version: 1, hash: 'h', files: { interfaces: running + '\n' }, renderedAt: new Date().toISOString() });
    const facts = jest.spyOn(source, 'facts').mockResolvedValue({ node: 'node1', facts: { nodename: 'node1', addresses: {}, routes: [], bridges: {}, macs: {} }, publishedAt: new Date().toISOString() });
    try {
      expect((await api.get('dry-run?node=node1').expect(200)).body.data).toMatchObject({ 'interfaces-diff': null, 'facts-known': true, 'bundle-version': 1 });
      await api.post('vnets', { vnet: 'vnet2', zone: 'zs' }).expect(200);
      const diff: string = (await api.get('dry-run?node=node1')).body.data['interfaces-diff'];
      const changed = diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((l) => l.startsWith('+'))).toBe(true);
      expect(changed).toContain('+auto vnet2');
      expect(bundle).toHaveBeenCalledWith('node1');
      expect(facts).toHaveBeenCalledWith('node1');
    } finally {
      bundle.mockRestore();
      facts.mockRestore();
    }
  });

  it('validates the node parameter', async () => {
    expect((await api.get('dry-run').expect(400)).body.errors.node).toBeDefined();
    expect((await api.get('dry-run?node=bad_node!').expect(400)).body.errors.node).toBeDefined();
  });
});

describe('dry-run reading facts and bundles from JetStream (isolated bus)', () => {
  let api: TestApi;
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'api-dry-run-spec' });
    api = await startTestApi({ nats: true, busNamespace: bus.topology.namespace });
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vnet1', zone: 'zs' }).expect(200);
  });
  afterAll(async () => {
    await api.close();
    await bus.destroy();
  });

  it('uses the last facts and bundle published for the node', async () => {
    const node = 'n1';
    const facts = { nodename: node, addresses: {}, routes: [], bridges: {}, macs: {} };
    await bus.js.publish(bus.topology.factsSubject(node), JSON.stringify({ node, facts, publishedAt: new Date().toISOString() }));
    // Wait until the API's NATS connection is up and sees the facts.
    let data: Record<string, unknown> = {};
    for (let i = 0; i < 50 && !data['facts-known']; i++) {
      data = (await api.get(`dry-run?node=${node}`).expect(200)).body.data;
      if (!data['facts-known']) await new Promise((r) => setTimeout(r, 100));
    }
    expect(data['facts-known']).toBe(true);
    expect(data['bundle-version']).toBeNull();
    // The node runs exactly what would be generated: publish that as its bundle → no diff.
    const interfaces = (data['interfaces-diff'] as string)
      .split('\n')
      .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
      .map((l) => l.slice(1))
      .join('\n');
    // Packed, as the config service publishes it.
    const files = { interfaces: interfaces + '\n' };
    const bundle = await packNodeBundle({ node, version: 7, hash: bundleContentHash(files), files, renderedAt: new Date().toISOString() });
    await bus.js.publish(bus.topology.bundleSubject(node), JSON.stringify(bundle));
    expect((await api.get(`dry-run?node=${node}`).expect(200)).body.data).toEqual({ 'interfaces-diff': null, 'frr-diff': null, 'facts-known': true, 'bundle-version': 7 });
    // The cluster-wide summary finds the node by its facts and reads the same bundle (head only when stored).
    expect((await api.get('dry-run/summary').expect(200)).body.data).toEqual([
      expect.objectContaining({ node, changed: false, 'interfaces-added': 0, 'interfaces-removed': 0, 'facts-known': true, 'bundle-version': 7 }),
    ]);
    // A version-only message on that bundle: the node runs its files under version 8 (the version line rewritten).
    const v8 = { interfaces: files.interfaces.replace(/^#version:\d+/, '#version:8') };
    await bus.js.publish(
      bus.topology.bundleVersionSubject(node),
      JSON.stringify({ node, version: 8, hash: bundleContentHash(v8), baseVersion: 7, baseHash: bundle.hash, renderedAt: new Date().toISOString() }),
    );
    const bumped = (await api.get(`dry-run?node=${node}`).expect(200)).body.data;
    expect(bumped['bundle-version']).toBe(8);
    expect((bumped['interfaces-diff'] as string).split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-#version:8', `+${files.interfaces.split('\n')[0]}`]);
    // A malformed bundle (contract violation) is ignored rather than diffed against.
    await bus.js.publish(bus.topology.bundleSubject(node), JSON.stringify({ node, version: 'x' }));
    expect((await api.get(`dry-run?node=${node}`).expect(200)).body.data['bundle-version']).toBeNull();
  });
});

