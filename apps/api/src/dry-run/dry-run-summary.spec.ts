import type { InlineNodeBundleV1, NodeFactsMessageV1 } from '@sdn/contracts';
import { splitLines } from '@sdn/text-diff';
import { startTestApi, type TestApi } from '../testing/test-app';
import { DryRunLimiter } from './dry-run-limiter';
import { NodeFilesSource } from './node-files.source';

const facts = (node: string): NodeFactsMessageV1 => ({ node, facts: { nodename: node, addresses: {}, routes: [], bridges: {}, macs: {} }, publishedAt: new Date().toISOString() });

/** Counts `+`/`-` lines of a unified diff (null: none). */
function count(diff: string | null): { added: number; removed: number } {
  const lines = diff ? splitLines(diff).slice(2) : [];
  return { added: lines.filter((l) => l.startsWith('+')).length, removed: lines.filter((l) => l.startsWith('-')).length };
}

/** Makes `source` answer from `bundles` (node → what it runs) for nodes n1..n3, which all have facts. */
function fakeNodes(source: NodeFilesSource, bundles: Map<string, InlineNodeBundleV1>) {
  return {
    nodes: jest.spyOn(source, 'nodes').mockResolvedValue(['n1', 'n2', 'n3']),
    facts: jest.spyOn(source, 'facts').mockImplementation(async (n) => (['n1', 'n2', 'n3'].includes(n) ? facts(n) : null)),
    bundle: jest.spyOn(source, 'bundle').mockImplementation(async (n) => bundles.get(n) ?? null),
    head: jest.spyOn(source, 'bundleHead').mockImplementation(async (n) => {
      const b = bundles.get(n);
      return b ? { version: b.version, hash: b.hash } : null;
    }),
  };
}

describe('GET /cluster/sdn/dry-run/summary (cluster-wide dry run)', () => {
  let api: TestApi;
  let replica: TestApi;
  const bundles = new Map<string, InlineNodeBundleV1>();
  beforeAll(async () => {
    api = await startTestApi();
    replica = await startTestApi({}, { dbUrl: api.dbUrl });
    fakeNodes(api.app.get(NodeFilesSource), bundles);
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    for (const v of ['vnet1', 'vnet2']) await api.post('vnets', { vnet: v, zone: 'zs' }).expect(200);
  });
  afterAll(async () => {
    await replica.close();
    await api.close();
  });

  it('summarises every node with facts: what changes, lines added/removed per file, as the full diffs say', async () => {
    // n2 runs exactly what apply would write; n3 runs an older rendering with vnet2 missing.
    const full = (await api.get('dry-run?node=n2').expect(200)).body.data['interfaces-diff'] as string;
    const rendered = splitLines(full).slice(3).map((l) => l.slice(1)).join('\n') + '\n';
    bundles.set('n2', { node: 'n2', version: 4, hash: 'h2', files: { interfaces: rendered }, renderedAt: new Date().toISOString() });
    const older = rendered.replace(/auto vnet2\n[^]*?(?=\nauto |$)/, '').replace(/\n+$/, '\n');
    bundles.set('n3', { node: 'n3', version: 3, hash: 'h3', files: { interfaces: older }, renderedAt: new Date().toISOString() });

    const rows = (await api.get('dry-run/summary').expect(200)).body.data as Record<string, unknown>[];
    expect(rows.map((r) => r.node)).toEqual(['n1', 'n2', 'n3']);
    for (const r of rows) {
      const node = (await api.get(`dry-run?node=${r.node}`).expect(200)).body.data;
      const c = count(node['interfaces-diff']);
      expect(r).toMatchObject({ changed: node['interfaces-diff'] !== null, 'interfaces-added': c.added, 'interfaces-removed': c.removed, 'frr-added': 0, 'frr-removed': 0, 'facts-known': true, 'bundle-version': node['bundle-version'] });
      expect(r['pending-digest']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(rows[0]).toMatchObject({ changed: true, 'interfaces-removed': 0, 'bundle-version': null });
    expect(rows[0]['interfaces-added']).toBeGreaterThan(5);
    expect(rows[1]).toMatchObject({ changed: false, 'interfaces-added': 0, 'interfaces-removed': 0 });
    expect(rows[2]).toMatchObject({ changed: true, 'interfaces-removed': 0 });
    expect(rows[2]['interfaces-added']).toBeGreaterThan(0);
  });

  it('is computed once per pending version and shared with the other replicas through PostgreSQL', async () => {
    const stored = async () => Number((await api.state().store.ds.query(`SELECT count(*) AS n FROM dry_run_summaries`))[0].n);
    const before = await stored();
    expect(before).toBe(3);
    // The replica has the same inputs; it must answer from the stored rows without rendering or reading a bundle.
    const spies = fakeNodes(replica.app.get(NodeFilesSource), bundles);
    await replica.state().catchUp();
    const mine = (await api.get('dry-run/summary').expect(200)).body.data;
    expect((await replica.get('dry-run/summary').expect(200)).body.data).toEqual(mine);
    expect(spies.bundle).not.toHaveBeenCalled();
    expect(await stored()).toBe(3);
    // A new pending version is a new summary: vnet3 is added on every node.
    await api.post('vnets', { vnet: 'vnet3', zone: 'zs' }).expect(200);
    const next = (await api.get('dry-run/summary').expect(200)).body.data as Record<string, unknown>[];
    expect(next[1]).toMatchObject({ node: 'n2', changed: true, 'interfaces-removed': 0 });
    expect(next[0]['pending-digest']).not.toBe(mine[0]['pending-digest']);
    expect(await stored()).toBe(6);
  });

  it('takes a chosen set of nodes and validates it', async () => {
    const rows = (await api.get('dry-run/summary?nodes=n3,n1').expect(200)).body.data as Record<string, unknown>[];
    expect(rows.map((r) => r.node)).toEqual(['n3', 'n1']);
    // A node without facts is rendered with the renderer's neutral defaults, as the per-node dry run does.
    expect((await api.get('dry-run/summary?nodes=other').expect(200)).body.data[0]).toMatchObject({ node: 'other', 'facts-known': false, changed: true });
    expect((await api.get('dry-run/summary?nodes=n1,bad_node!').expect(400)).body.errors.nodes).toMatch(/bad_node!/);
  });
});

describe('dry-run limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ dryRun: { maxFileBytes: 200, concurrency: 1, queue: 1 } });
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    for (let i = 1; i <= 10; i++) await api.post('vnets', { vnet: `vnet${i}`, zone: 'zs' }).expect(200);
  });
  afterAll(() => api.close());

  it('refuses a dry run whose files exceed SDN_DRY_RUN_MAX_BYTES with a clear error, and keeps serving', async () => {
    const res = await api.get('dry-run?node=n1').expect(422);
    expect(res.body).toEqual({ data: null, message: expect.stringMatching(/^dry run of node 'n1' refused: the pending \/etc\/network\/interfaces\.d\/sdn is \d+ bytes, more than SDN_DRY_RUN_MAX_BYTES \(200\)$/) });
    expect((await api.get('dry-run/summary?nodes=n1').expect(422)).body.message).toMatch(/SDN_DRY_RUN_MAX_BYTES/);
    await api.get('zones').expect(200);
  });

  it('runs one computation at a time, queues one, and refuses the next with 503', async () => {
    const source = api.app.get(NodeFilesSource);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inSlot = new Promise<void>((r) => (entered = r));
    // The first computation holds its slot until released; the others find the slot busy.
    const bundle = jest.spyOn(source, 'bundle').mockImplementationOnce(async () => {
      entered();
      await gate;
      return null;
    });
    try {
      const first = api.get('dry-run?node=a1').then((r) => r.status);
      await inSlot;
      const second = api.get('dry-run?node=a2').then((r) => r.status);
      const limiter = api.app.get(DryRunLimiter);
      for (let i = 0; i < 250 && limiter.load.waiting < 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(limiter.load).toEqual({ running: 1, waiting: 1 });
      const refused = await api.get('dry-run?node=a3');
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/^too many dry runs in progress \(1 running, 1 waiting/);
      release();
      // Both admitted ones complete (with the 422 of this API's tiny size limit: they ran).
      expect(await first).toBe(422);
      expect(await second).toBe(422);
    } finally {
      release();
      bundle.mockRestore();
    }
  });
});
