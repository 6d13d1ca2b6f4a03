import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * Two API processes' worth of state on one database: writes are serialised
 * by the store's advisory lock and each writer catches up by sequence before
 * validating, so cross-object rules hold across replicas.
 */
describe('several API replicas on one event store', () => {
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    a = await startTestApi();
    b = await startTestApi({}, { dbUrl: a.dbUrl });
    await a.post('zones', { zone: 'zx', type: 'vxlan', peers: '192.0.2.1' }).expect(200);
  });
  afterAll(async () => {
    await b.app.close();
    await a.close();
  });

  it('a replica validates against events written by the other', async () => {
    // b has not polled yet, but its write catches up first: the zone exists for it.
    await b.post('vnets', { vnet: 'v0', zone: 'zx', tag: 100 }).expect(200);
    // And a refuses a VNI that b just took.
    const res = await a.post('vnets', { vnet: 'v00', zone: 'zx', tag: 100 }).expect(400);
    expect(res.body.errors.tag).toMatch(/100/);
  });

  it('concurrent conflicting writes through both replicas: exactly one of each pair wins, no 5xx', async () => {
    const before = await a.eventCount();
    const requests = [];
    for (let i = 1; i <= 20; i++) {
      // Same VNI through both replicas at once.
      requests.push(a.post('vnets', { vnet: `a${i}`, zone: 'zx', tag: 1000 + i }));
      requests.push(b.post('vnets', { vnet: `b${i}`, zone: 'zx', tag: 1000 + i }));
    }
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 400)).toHaveLength(20);
    expect(await a.eventCount()).toBe(before + 20);

    // Both replicas converge on the same state.
    await a.state().catchUp();
    await b.state().catchUp();
    expect(a.state().current.pending).toEqual(b.state().current.pending);
    const tags = Object.values(a.state().current.pending.vnets).map((v) => v.tag);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('duplicate object ids race: one create, one "already defined"', async () => {
    const [r1, r2] = await Promise.all([a.post('zones', { zone: 'zdup', type: 'simple' }), b.post('zones', { zone: 'zdup', type: 'simple' })]);
    expect([r1.status, r2.status].sort()).toEqual([200, 400]);
    expect((r1.status === 400 ? r1 : r2).body.errors.zone).toMatch(/already defined/);
  });
});

describe('a failed write transaction', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('fails its whole batch with 500, commits nothing, leaves memory unchanged, and later writes succeed', async () => {
    const ds = api.state().store.ds;
    // Make the projection write of one object fail inside the transaction.
    await ds.query(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.id = 'boom' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await ds.query(`CREATE TRIGGER boom BEFORE INSERT ON sdn_objects FOR EACH ROW EXECUTE FUNCTION boom()`);
    const before = await api.eventCount();
    const stateBefore = api.state().current;
    const [a, b] = await Promise.all([api.post('zones', { zone: 'boom', type: 'simple' }), api.post('zones', { zone: 'zz', type: 'simple' })]);
    expect(a.status).toBe(500);
    expect(a.body).toEqual({ data: null, message: 'internal error' });
    expect([200, 500]).toContain(b.status); // same batch → fails too; a later batch → commits
    expect(await api.eventCount()).toBe(before + (b.status === 200 ? 1 : 0));
    expect(api.state().current.pending.zones.boom).toBeUndefined();
    if (b.status === 500) expect(api.state().current.pending).toEqual(stateBefore.pending);

    await ds.query(`DROP TRIGGER boom ON sdn_objects`);
    await api.post('zones', { zone: 'boom', type: 'simple' }).expect(200);
    expect(Object.keys(api.state().current.pending.zones).sort()).toEqual(b.status === 200 ? ['boom', 'zz'] : ['boom']);
  });
});
