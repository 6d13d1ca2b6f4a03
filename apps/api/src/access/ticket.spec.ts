import request from 'supertest';
import { domainEventCount } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';
import { TicketService } from '../auth/tickets';

const A = '/api2/json/access';
const PASSWORD = 'correct horse 42';

/** Logs in on `api` (form-encoded, as proxmox-api and proxmoxer do). */
function login(api: TestApi, body: Record<string, string>) {
  return request(api.app.getHttpServer()).post(`${A}/ticket`).type('form').send(body);
}

function withCookie(api: TestApi, ticket: string, csrf?: string) {
  const server = api.app.getHttpServer();
  const set = (t: request.Test) => {
    t.set('Cookie', `PVEAuthCookie=${encodeURIComponent(ticket)}`);
    return csrf ? t.set('CSRFPreventionToken', csrf) : t;
  };
  return {
    get: (p: string) => set(request(server).get(p)),
    post: (p: string, body: object) => set(request(server).post(p)).send(body),
    put: (p: string, body: object) => set(request(server).put(p)).send(body),
  };
}

describe('password login with tickets (POST /access/ticket, PVEAuthCookie, CSRFPreventionToken)', () => {
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    a = await startTestApi({ authRateLimit: { threshold: 3, baseMs: 60_000 } });
    // A second replica on the same database: shares nothing with A but PostgreSQL.
    b = await startTestApi({ authRateLimit: { threshold: 3, baseMs: 60_000 } }, { dbUrl: a.dbUrl });
    await a.post(`${A}/users`, { userid: 'alice@pve', password: PASSWORD }).expect(200);
    await a.put(`${A}/acl`, { path: '/sdn', roles: 'PVESDNAdmin', users: 'alice@pve' }).expect(200);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('logs in with user name, realm and password; the cookie reads, writes need the CSRF token', async () => {
    const r = await login(a, { username: 'alice', realm: 'pve', password: PASSWORD }).expect(200);
    const d = r.body.data;
    expect(d).toEqual({ ticket: expect.stringMatching(/^PVE:alice@pve:[0-9A-F]{8}::[A-Za-z0-9+/]{43}=$/), CSRFPreventionToken: expect.stringMatching(/^[0-9A-F]{8}:\S+$/), username: 'alice@pve', cap: expect.any(Object) });
    expect(d.cap.sdn).toEqual({ 'SDN.Allocate': 1, 'SDN.Audit': 1, 'SDN.Use': 1 });
    expect(d.cap.access).toEqual({});

    await withCookie(a, d.ticket).get('/api2/json/cluster/sdn/zones').expect(200, { data: [] });
    const before = await domainEventCount(a);
    const refused = await withCookie(a, d.ticket).post('/api2/json/cluster/sdn/zones', { zone: 'tz', type: 'simple' }).expect(403);
    expect(refused.body.message).toMatch(/CSRF/);
    await withCookie(a, d.ticket, `${d.CSRFPreventionToken.slice(0, 9)}${'A'.repeat(43)}=`).post('/api2/json/cluster/sdn/zones', { zone: 'tz', type: 'simple' }).expect(403);
    // Only the refusals' audit events were added.
    expect(await domainEventCount(a)).toBe(before);
    await withCookie(a, d.ticket, d.CSRFPreventionToken).post('/api2/json/cluster/sdn/zones', { zone: 'tz', type: 'simple' }).expect(200);
    const events = (await a.get('events?limit=1000').expect(200)).body.data as { type: string; actor: string }[];
    expect(events.filter((e) => e.type === 'ZoneCreated').map((e) => e.actor)).toEqual(['alice@pve']);
    expect(events.filter((e) => e.type === 'AccessDenied' && e.actor === 'alice@pve').length).toBe(2);
  });

  it('never stores or logs the password in clear; the hash is scrypt; JSON bodies and full user ids log in too', async () => {
    const ds = a.state().store.ds;
    const all = JSON.stringify(await ds.query('SELECT type, payload FROM events')) + JSON.stringify(await ds.query('SELECT * FROM access_users'));
    expect(all).not.toContain(PASSWORD);
    expect(all).toContain('UserPasswordChanged');
    const [row] = await ds.query(`SELECT hash FROM access_passwords WHERE userid = 'alice@pve'`);
    expect(row.hash).toMatch(/^\$scrypt\$N=32768,r=8,p=1\$/);
    const r = await request(a.app.getHttpServer()).post(`${A}/ticket`).send({ username: 'alice@pve', password: PASSWORD }).expect(200);
    expect(r.body.data.username).toBe('alice@pve');
    expect(JSON.stringify(await ds.query('SELECT payload FROM events'))).not.toContain(PASSWORD);
  });

  it('a ticket of replica A works on replica B; posting it as the password renews it; an expired one is 401', async () => {
    const t = (await login(a, { username: 'alice@pve', password: PASSWORD }).expect(200)).body.data;
    await withCookie(b, t.ticket).get('/api2/json/cluster/sdn/zones').expect(200);
    await withCookie(b, t.ticket, t.CSRFPreventionToken).put('/api2/json/cluster/sdn/zones/tz', { mtu: 1400 }).expect(200);
    const renewed = (await login(b, { username: 'alice@pve', password: t.ticket }).expect(200)).body.data;
    expect(renewed.ticket).toMatch(/^PVE:alice@pve:/);
    // Issued two hours and a minute ago, with the control plane's real key.
    const old = a.app.get(TicketService).issue('alice@pve', Date.now() - (2 * 3600 + 60) * 1000);
    const r = await withCookie(b, old.ticket).get('/api2/json/cluster/sdn/zones').expect(401);
    expect((r as unknown as { res: { statusMessage: string } }).res.statusMessage).toBe('permission denied - invalid PVE ticket');
    await login(b, { username: 'alice@pve', password: old.ticket }).expect(401);
    // Forged: right form, wrong key.
    await withCookie(a, `${t.ticket.slice(0, t.ticket.indexOf('::') + 2)}${'B'.repeat(43)}=`).get('/api2/json/cluster/sdn/zones').expect(401);
  });

  it('a user name with control characters is bad input (400), neither counted nor recorded', async () => {
    const before = await a.eventCount();
    const failures = await a.state().store.ds.query('SELECT key FROM auth_failures');
    for (const username of ['alice\u0000@pve', '\u0000', 'alice@pve\n']) {
      const r = await login(a, { username, password: PASSWORD }).expect(400);
      expect(r.body.errors).toEqual({ username: 'value does not look like a valid user name' });
    }
    expect(await a.eventCount()).toBe(before);
    expect(await a.state().store.ds.query('SELECT key FROM auth_failures')).toEqual(failures);
  });

  it('users change their own password with PUT /access/password; others need User.Modify', async () => {
    await a.post(`${A}/users`, { userid: 'bob@pve', password: 'first-pass' }).expect(200);
    const t = (await login(a, { username: 'bob@pve', password: 'first-pass' }).expect(200)).body.data;
    await withCookie(a, t.ticket, t.CSRFPreventionToken).put(`${A}/password`, { userid: 'alice@pve', password: 'hijacked' }).expect(403);
    await withCookie(a, t.ticket, t.CSRFPreventionToken).put(`${A}/password`, { userid: 'bob@pve', password: 'abc' }).expect(400);
    await withCookie(a, t.ticket, t.CSRFPreventionToken).put(`${A}/password`, { userid: 'bob@pve', password: 'second-pass' }).expect(200);
    await login(a, { username: 'bob@pve', password: 'first-pass' }).expect(401);
    await login(b, { username: 'bob@pve', password: 'second-pass' }).expect(200);
    await a.del(`${A}/users/bob@pve`).expect(200);
    expect(await a.state().store.ds.query(`SELECT 1 FROM access_passwords WHERE userid = 'bob@pve'`)).toEqual([]);
  });

  // Last: it blocks this file's source address.
  it('failed logins are limited across replicas: 3 allowed failures in total, not 3 per replica', async () => {
    await a.post(`${A}/users`, { userid: 'carl@pve', password: 'carls-pass' }).expect(200);
    // The source address (shared by every test here) starts over: the earlier tests' deliberate failures count on it.
    await a.state().store.ds.query('DELETE FROM auth_failures');
    const statuses: number[] = [];
    for (const api of [a, b, a, b]) statuses.push((await login(api, { username: 'carl@pve', password: 'wrong-pass' })).status);
    // The fourth attempt was past the threshold: it was checked (no block yet), failed, and blocks.
    expect(statuses).toEqual([401, 401, 401, 401]);
    const blocked = await login(a, { username: 'carl@pve', password: 'carls-pass' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await login(b, { username: 'carl@pve', password: 'carls-pass' }).expect(429);
  });
});
