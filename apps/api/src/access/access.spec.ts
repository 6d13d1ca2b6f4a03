import { isDeepStrictEqual } from 'node:util';
import request from 'supertest';
import { dumpAccessProjection, rebuildAccessProjection } from '@sdn/event-store';
import { as, createPrincipal, domainEventCount } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

const A = '/api2/json/access';

describe('/access: users, tokens, ACLs, roles', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ authRateLimit: { threshold: 1_000_000 } });
  });
  afterAll(() => api.close());

  it('creates, reads, updates and deletes users in the reference shapes', async () => {
    await api.post(`${A}/users`, { userid: 'carol@pve', comment: 'ops', email: 'carol@example.com', expire: 0 }).expect(200, { data: null });
    expect((await api.get(`${A}/users/carol@pve`).expect(200)).body.data).toEqual({ enable: 1, expire: 0, comment: 'ops', email: 'carol@example.com', tokens: {} });
    await api.put(`${A}/users/carol@pve`, { enable: 0, firstname: 'Carol' }).expect(200);
    const list = (await api.get(`${A}/users`).expect(200)).body.data as { userid: string; enable: number }[];
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ userid: 'carol@pve', enable: 0, firstname: 'Carol' }), expect.objectContaining({ userid: 'root@pam' })]));
    expect((await api.post(`${A}/users`, { userid: 'carol@pve' }).expect(400)).body.errors.userid).toMatch(/already exists/);
    for (const bad of ['nouser', 'a b@pve', '../x@pve', 'x@pve!t', 'x@1realm', `${'u'.repeat(80)}@pve`]) {
      expect((await api.post(`${A}/users`, { userid: bad }).expect(400)).body.errors.userid).toBeDefined();
    }
    await api.post(`${A}/users`, { userid: 'dave@pve', password: 'x' }).expect(400);
    await api.del(`${A}/users/carol@pve`).expect(200);
    await api.get(`${A}/users/carol@pve`).expect(404);
    await api.del(`${A}/users/root@pam`).expect(400);
  });

  it('creates a token once with its secret, stores only a hash, and takes it away with its user', async () => {
    await api.post(`${A}/users`, { userid: 'erin@pve' }).expect(200);
    const r = (await api.post(`${A}/users/erin@pve/token/ci`, { comment: 'pipeline' }).expect(200)).body.data;
    expect(r).toEqual({ 'full-tokenid': 'erin@pve!ci', info: { comment: 'pipeline', expire: 0, privsep: 1 }, value: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await api.get(`${A}/users/erin@pve/token/ci`).expect(200)).body.data).toEqual({ comment: 'pipeline', expire: 0, privsep: 1 });
    expect((await api.get(`${A}/users/erin@pve/token`).expect(200)).body.data).toEqual([{ tokenid: 'ci', comment: 'pipeline', expire: 0, privsep: 1 }]);
    // The secret is in no event, no projection row and no later answer.
    const ds = api.state().store.ds;
    expect(JSON.stringify(await ds.query('SELECT payload FROM events'))).not.toContain(r.value);
    expect(JSON.stringify(await dumpAccessProjection(ds))).not.toContain(r.value);
    expect(JSON.stringify((await api.get(`${A}/users?full=1`)).body)).not.toContain(r.value);
    const erin = `PVEAPIToken=erin@pve!ci=${r.value}`;
    await as(api, erin).get('zones').expect(200, { data: [] });
    await api.post(`${A}/users/erin@pve/token/ci`, {}).expect(400);
    await api.del(`${A}/users/erin@pve`).expect(200);
    await as(api, erin).get('zones').expect(401);
    expect((await ds.query(`SELECT id FROM api_tokens WHERE id = 'erin@pve!ci'`)).length).toBe(0);
  });

  it('ACL entries in the reference shape; grants give rights, removal takes them', async () => {
    await api.post('zones', { zone: 'zf', type: 'simple' }).expect(200);
    const frank = await createPrincipal(api, 'frank@pve', 'x', {});
    await as(api, frank).put('zones/zf', { mtu: 1400 }).expect(403);
    await api.put(`${A}/acl`, { path: '/sdn/zones/zf', roles: 'PVESDNAdmin', users: 'frank@pve' }).expect(200);
    expect((await api.get(`${A}/acl`).expect(200)).body.data).toEqual(
      expect.arrayContaining([{ path: '/sdn/zones/zf', type: 'user', ugid: 'frank@pve', roleid: 'PVESDNAdmin', propagate: 1 }]),
    );
    await as(api, frank).put('zones/zf', { mtu: 1400 }).expect(200);
    await api.put(`${A}/acl`, { path: '/sdn/zones/zf', roles: 'PVESDNAdmin', users: 'frank@pve', delete: 1 }).expect(200);
    await as(api, frank).put('zones/zf', { mtu: 1300 }).expect(403);
    for (const [bad, field] of [
      [{ path: '/sdn/../x', roles: 'PVEAuditor', users: 'frank@pve' }, 'path'],
      [{ path: '/sdn', roles: 'NoSuchRole', users: 'frank@pve' }, 'roles'],
      [{ path: '/sdn', roles: 'PVEAuditor', users: 'ghost@pve' }, 'users'],
      [{ path: '/sdn', roles: 'PVEAuditor', tokens: 'frank@pve!nope' }, 'tokens'],
      [{ path: '/sdn', roles: 'PVEAuditor' }, 'users'],
    ] as const) {
      expect((await api.put(`${A}/acl`, bad).expect(400)).body.errors[field]).toBeDefined();
    }
    expect((await api.get(`${A}/roles`).expect(200)).body.data).toEqual(
      expect.arrayContaining([{ roleid: 'PVESDNAdmin', privs: 'SDN.Allocate,SDN.Audit,SDN.Use', special: 1 }, { roleid: 'PVEAuditor', privs: 'SDN.Audit,Sys.Audit', special: 1 }]),
    );
  });

  it('no way up: a zone admin cannot grant, cannot touch other users, cannot move a vnet to a foreign zone', async () => {
    await api.post('zones', { zone: 'zg', type: 'simple' }).expect(200);
    await api.post('zones', { zone: 'zh', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vg', zone: 'zg' }).expect(200);
    const gina = await createPrincipal(api, 'gina@pve', 'x', { userGrants: [{ path: '/sdn/zones/zg', role: 'PVESDNAdmin' }] });
    const before = await domainEventCount(api);
    await as(api, gina).put(`${A}/acl`, { path: '/sdn/zones/zh', roles: 'PVESDNAdmin', users: 'gina@pve' }).expect(403);
    await as(api, gina).post(`${A}/users/root@pam/token/mine`, { privsep: 0 }).expect(403);
    await as(api, gina).post(`${A}/users`, { userid: 'sock@pve' }).expect(403);
    await as(api, gina).put('vnets/vg', { zone: 'zh' }).expect(403);
    expect(await domainEventCount(api)).toBe(before);
    // Her privilege-separated token does not count as her: it cannot mint itself an unseparated sibling.
    const ps = await createPrincipal(api, 'gina@pve', 'ps', { privsep: true });
    await as(api, ps).post(`${A}/users/gina@pve/token/up`, { privsep: 0 }).expect(403);
    // She may manage her own tokens (as in the reference).
    const own = (await as(api, gina).post(`${A}/users/gina@pve/token/second`, { privsep: 1 }).expect(200)).body.data;
    expect(own['full-tokenid']).toBe('gina@pve!second');
    // An administrator who is not root cannot hand out roles beyond what they hold, nor reach root's tokens.
    const hank = await createPrincipal(api, 'hank@pve', 'x', { userGrants: [{ path: '/', role: 'Administrator' }] });
    await as(api, hank).post(`${A}/users/root@pam/token/mine`, {}).expect(403, { data: null, message: 'Permission check failed' });
    const events = (await api.get('events?limit=1000').expect(200)).body.data as { type: string; actor: string; payload: { reason?: string } }[];
    expect(events.filter((e) => e.type === 'AccessDenied' && e.actor === 'hank@pve!x').map((e) => e.payload.reason)).toEqual(['root-only']);
    await as(api, hank).put(`${A}/acl`, { path: '/sdn/zones/zh', roles: 'PVEAuditor', users: 'gina@pve' }).expect(200);
  });

  it('expired tokens and disabled users are refused with 401', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    const old = await createPrincipal(api, 'ivan@pve', 'old', { expire: past });
    await as(api, old).get('zones').expect(401);
    const ok = await createPrincipal(api, 'ivan@pve', 'ok', {});
    await as(api, ok).get('zones').expect(200);
    await api.put(`${A}/users/ivan@pve`, { enable: 0 }).expect(200);
    await as(api, ok).get('zones').expect(401);
  });

  it('groups in the reference shapes; a group ACL entry grants its members, a user entry on the same level wins', async () => {
    await api.post(`${A}/groups`, { groupid: 'ops', comment: 'operations' }).expect(200, { data: null });
    expect((await api.post(`${A}/groups`, { groupid: 'ops' }).expect(400)).body.errors.groupid).toMatch(/already exists/);
    for (const bad of ['', 'a b', '../x', 'x,y', 'g'.repeat(65)]) expect((await api.post(`${A}/groups`, { groupid: bad }).expect(400)).body.errors.groupid).toBeDefined();
    expect((await api.post(`${A}/groups`, { groupid: 'g1', users: 'x@pve' }).expect(400)).body.errors.users).toBeDefined();
    await api.post(`${A}/groups`, { groupid: 'dev' }).expect(200);
    await api.post('zones', { zone: 'zk', type: 'simple' }).expect(200);
    const kate = await createPrincipal(api, 'kate@pve', 'x', {});
    await as(api, kate).put('zones/zk', { mtu: 1400 }).expect(403);
    await api.put(`${A}/users/kate@pve`, { groups: 'ops' }).expect(200);
    await api.put(`${A}/users/kate@pve`, { groups: 'dev', append: 1 }).expect(200);
    expect((await api.put(`${A}/users/kate@pve`, { groups: 'nope' }).expect(400)).body.errors.groups).toMatch(/no such group/);
    expect((await api.put(`${A}/users/kate@pve`, { append: 1 }).expect(400)).body.errors.append).toBeDefined();
    expect((await api.get(`${A}/users/kate@pve`).expect(200)).body.data.groups).toEqual(['dev', 'ops']);
    expect((await api.get(`${A}/users`).expect(200)).body.data).toEqual(expect.arrayContaining([expect.objectContaining({ userid: 'kate@pve', groups: 'dev,ops' })]));
    expect((await api.get(`${A}/groups/ops`).expect(200)).body.data).toEqual({ comment: 'operations', members: ['kate@pve'] });
    await api.put(`${A}/groups/ops`, { comment: 'ops team' }).expect(200);
    expect((await api.get(`${A}/groups`).expect(200)).body.data).toEqual([{ groupid: 'dev', users: 'kate@pve' }, { groupid: 'ops', comment: 'ops team', users: 'kate@pve' }]);
    await api.get(`${A}/groups/none`).expect(404);
    await api.put(`${A}/groups/none`, { comment: 'x' }).expect(404);

    await api.put(`${A}/acl`, { path: '/sdn/zones/zk', roles: 'PVESDNAdmin', groups: 'ops' }).expect(200);
    expect((await api.get(`${A}/acl`).expect(200)).body.data).toEqual(expect.arrayContaining([{ path: '/sdn/zones/zk', type: 'group', ugid: 'ops', roleid: 'PVESDNAdmin', propagate: 1 }]));
    expect((await api.put(`${A}/acl`, { path: '/sdn', roles: 'PVEAuditor', groups: 'ghosts' }).expect(400)).body.errors.groups).toBeDefined();
    await as(api, kate).put('zones/zk', { mtu: 1400 }).expect(200);
    expect((await as(api, kate).get(`${A}/permissions`).expect(200)).body.data['/sdn/zones/zk']).toEqual({ 'SDN.Allocate': 1, 'SDN.Audit': 1, 'SDN.Use': 1 });
    // Her own entry on the same level replaces the group's (the reference: user roles overwrite group roles).
    await api.put(`${A}/acl`, { path: '/sdn/zones/zk', roles: 'PVEAuditor', users: 'kate@pve' }).expect(200);
    await as(api, kate).put('zones/zk', { mtu: 1300 }).expect(403);
    await api.put(`${A}/acl`, { path: '/sdn/zones/zk', roles: 'PVEAuditor', users: 'kate@pve', delete: 1 }).expect(200);
    await as(api, kate).put('zones/zk', { mtu: 1300 }).expect(200);
    // Leaving the group takes the grant away; deleting the group takes its entries and memberships.
    await api.put(`${A}/users/kate@pve`, { groups: 'dev' }).expect(200);
    await as(api, kate).put('zones/zk', { mtu: 1400 }).expect(403);
    await api.put(`${A}/users/kate@pve`, { groups: 'ops,dev' }).expect(200);
    await api.del(`${A}/groups/ops`).expect(200);
    await as(api, kate).put('zones/zk', { mtu: 1400 }).expect(403);
    expect((await api.get(`${A}/acl`).expect(200)).body.data.filter((e: { type: string }) => e.type === 'group')).toEqual([]);
    expect((await api.get(`${A}/users/kate@pve`).expect(200)).body.data.groups).toEqual(['dev']);
    await api.del(`${A}/groups/ops`).expect(404);
    // A group admin (Group.Allocate on /access/groups) manages groups but not users.
    const gwen = await createPrincipal(api, 'gwen@pve', 'x', { userGrants: [{ path: '/access/groups', role: 'Administrator' }] });
    await as(api, gwen).post(`${A}/groups`, { groupid: 'gwens' }).expect(200);
    await as(api, gwen).put(`${A}/users/kate@pve`, { groups: 'gwens' }).expect(403);
  });

  it('the access projection equals a rebuild from the event log', async () => {
    const ds = api.state().store.ds;
    const live = await dumpAccessProjection(ds);
    await rebuildAccessProjection(ds);
    expect(isDeepStrictEqual(await dumpAccessProjection(ds), live)).toBe(true);
    // And a fresh process loads the same state from it.
    const other = await startTestApi({}, { dbUrl: api.dbUrl });
    try {
      const { AccessStateService } = await import('./access-state.service');
      await other.app.get(AccessStateService).ready();
      // ACL order carries no meaning (the deepest matching level decides), so compare as sets.
      const norm = (s: { acl: object[] }) => ({ ...s, acl: s.acl.map((e) => JSON.stringify(e)).sort() });
      expect(norm(other.app.get(AccessStateService).state)).toEqual(norm(api.app.get(AccessStateService).state));
    } finally {
      await other.app.close();
    }
  });

  it('refusals are audited with who, what and why, visible to an auditor', async () => {
    const jack = await createPrincipal(api, 'jack@pve', 'x', {});
    await as(api, jack).del('zones/zf').expect(403);
    await request(api.app.getHttpServer()).get('/api2/json/cluster/sdn/zones').set('Authorization', 'PVEAPIToken=jack@pve!x=00000000-0000-4000-8000-000000000000').expect(401);
    const events = (await api.get('events?limit=1000').expect(200)).body.data as { type: string; actor: string; payload: Record<string, unknown> }[];
    const denied = events.filter((e) => e.type === 'AccessDenied');
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'jack@pve!x', payload: expect.objectContaining({ status: 403, method: 'DELETE', reason: 'privilege', required: { privileges: ['SDN.Allocate'], path: '/sdn/zones/zf' } }) }),
        expect.objectContaining({ actor: 'anonymous', payload: expect.objectContaining({ status: 401, reason: 'bad-credentials', principal: 'jack@pve!x' }) }),
      ]),
    );
  });
});
