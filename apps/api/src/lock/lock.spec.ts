import { startTestApi, type TestApi } from '../testing/test-app';
import { uuidv7 } from './uuid7';

describe('global lock token (§4.4)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('issues UUIDv7 tokens', () => {
    expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses to lock with pending changes unless allow-pending', async () => {
    await api.post('zones', { zone: 'z1', type: 'simple' }).expect(200);
    const res = await api.post('lock').expect(400);
    expect(res.body.errors['allow-pending']).toMatch(/pending changes/);
    await api.put('').expect(200); // apply: nothing pending any more
  });

  it('while locked, every write needs the token; apply with release-lock frees it', async () => {
    const token = (await api.post('lock').expect(200)).body.data as string;
    expect(typeof token).toBe('string');
    // A second lock is refused.
    expect((await api.post('lock', { 'allow-pending': 1 }).expect(400)).body.errors['lock-token']).toBe('invalid lock token provided!');

    const before = await api.eventCount();
    for (const [method, path, body] of [
      ['post', 'zones', { zone: 'z2', type: 'simple' }],
      ['put', 'zones/z1', { mtu: 1400 }],
      ['del', 'zones/z1', {}],
      ['post', 'vnets', { vnet: 'v1', zone: 'z1' }],
      ['put', '', {}],
      ['post', 'rollback', {}],
      ['del', 'lock', {}],
    ] as const) {
      const res = await api[method](path, { ...body, 'lock-token': 'wrong' }).expect(400);
      expect(res.body.errors['lock-token']).toBe('invalid lock token provided!');
      await api[method](path, body).expect(400); // no token at all
    }
    expect(await api.eventCount()).toBe(before);

    // The right token works and keeps the lock.
    await api.post('zones', { zone: 'z2', type: 'simple', 'lock-token': token }).expect(200);
    await api.post('zones', { zone: 'z3', type: 'simple' }).expect(400);
    // Apply with release-lock=0 keeps it, the default releases it.
    await api.put('', { 'lock-token': token, 'release-lock': 0 }).expect(200);
    await api.post('zones', { zone: 'z3', type: 'simple' }).expect(400);
    await api.put('', { 'lock-token': token }).expect(200);
    await api.post('zones', { zone: 'z3', type: 'simple' }).expect(200);
    expect(api.state().current.lock).toBeNull();
  });

  it('unlock with the token, force unlock, unlock when unlocked', async () => {
    await api.put('').expect(200);
    const token = (await api.post('lock').expect(200)).body.data;
    await api.del('lock', { 'lock-token': token }).expect(200);
    expect(api.state().current.lock).toBeNull();
    await api.del('lock').expect(200); // releasing when unlocked succeeds silently
    await api.post('lock').expect(200);
    await api.del('lock', { force: 1 }).expect(200);
    expect(api.state().current.lock).toBeNull();
  });

  it('rollback restores pending from running and releases the lock by default', async () => {
    const running = (await api.get('zones?running=1')).body.data.map((z: { zone: string }) => z.zone);
    await api.post('zones', { zone: 'zr', type: 'simple' }).expect(200);
    await api.del('zones/z1').expect(200);
    const token = (await api.post('lock', { 'allow-pending': 1 }).expect(200)).body.data;
    await api.post('rollback', { 'lock-token': token }).expect(200, { data: null });
    expect((await api.get('zones')).body.data.map((z: { zone: string }) => z.zone)).toEqual(running);
    expect((await api.get('zones?pending=1')).body.data.every((z: { state?: string }) => !z.state)).toBe(true);
    expect(api.state().current.lock).toBeNull();
    // The log shows who did it.
    const events = (await api.get('events?limit=1000')).body.data as { type: string; actor: string }[];
    expect(events.filter((e) => e.type === 'ConfigRolledBack')).toEqual([expect.objectContaining({ actor: 'root@pam!test' })]);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});
