import request from 'supertest';
import { dumpAccessProjection, dumpProjection } from '@sdn/event-store';
import { createPrincipal, domainEventCount } from '../testing/access';
import { type Endpoint, listEndpoints } from '../testing/endpoints';
import { AUTH, startTestApi, type TestApi } from '../testing/test-app';

/**
 * The access matrix of issue 7: every endpoint the router knows × six
 * callers. Targets are zone A's objects: the zone-A admin may, the zone-B
 * admin may not, the auditor may read (SDN.Audit) but not change, the
 * privilege-separated token (auditor rights on zone A only, intersected with
 * its zone-A-admin user) may read zone A, and an expired or missing token
 * gets 401. A refusal must change nothing but the audit trail, and say
 * nothing about the object.
 */
type Who = 'A' | 'B' | 'AUD' | 'PS' | 'EXP' | 'NONE';
const ALL: Who[] = ['A', 'B', 'AUD', 'PS'];
/** Filtered lists: open to every authenticated caller, content checked separately. */
const F = 'filtered' as const;

const EXPECTED: Record<string, Who[] | typeof F> = {
  'GET /api2/json/access': ALL,
  'GET /api2/json/access/acl': F,
  'GET /api2/json/access/permissions': ALL,
  // Users change their own password (A is alice's token without privilege separation); others need User.Modify.
  'PUT /api2/json/access/password': ['A'],
  'PUT /api2/json/access/acl': [],
  'GET /api2/json/access/groups': F,
  'POST /api2/json/access/groups': [],
  // Reading one group needs Sys.Audit or Group.Allocate on it: the auditor (PVEAuditor on /) may.
  'GET /api2/json/access/groups/:groupid': ['AUD'],
  'PUT /api2/json/access/groups/:groupid': [],
  'DELETE /api2/json/access/groups/:groupid': [],
  'GET /api2/json/access/roles': ALL,
  'GET /api2/json/access/roles/:roleid': ALL,
  'GET /api2/json/access/users': F,
  'POST /api2/json/access/users': [],
  'DELETE /api2/json/access/users/:userid': [],
  'GET /api2/json/access/users/:userid': ['A', 'AUD'],
  'PUT /api2/json/access/users/:userid': [],
  'GET /api2/json/access/users/:userid/token': ['A', 'AUD'],
  'DELETE /api2/json/access/users/:userid/token/:tokenid': ['A'],
  'GET /api2/json/access/users/:userid/token/:tokenid': ['A', 'AUD'],
  'POST /api2/json/access/users/:userid/token/:tokenid': ['A'],
  'PUT /api2/json/access/users/:userid/token/:tokenid': ['A'],
  'GET /api2/json/cluster/resources': F,
  // Sys.Audit on /: the auditor only.
  'GET /api2/json/cluster/status': ['AUD'],
  'GET /api2/json/cluster/sdn': ['AUD'],
  'PUT /api2/json/cluster/sdn': [],
  'GET /api2/json/cluster/sdn/apply/:task': ['AUD'],
  'GET /api2/json/cluster/sdn/controllers': F,
  'POST /api2/json/cluster/sdn/controllers': [],
  'DELETE /api2/json/cluster/sdn/controllers/:controller': [],
  'GET /api2/json/cluster/sdn/controllers/:controller': [],
  'PUT /api2/json/cluster/sdn/controllers/:controller': [],
  'GET /api2/json/cluster/sdn/dns': F,
  'POST /api2/json/cluster/sdn/dns': [],
  'DELETE /api2/json/cluster/sdn/dns/:dns': [],
  'GET /api2/json/cluster/sdn/dns/:dns': [],
  'PUT /api2/json/cluster/sdn/dns/:dns': [],
  'GET /api2/json/cluster/sdn/dry-run': ['AUD'],
  // Fabrics live on /sdn/fabrics[/<id>]; node parts also need Sys.Audit (read) or Sys.Modify (write) on /nodes/<node>.
  'GET /api2/json/cluster/sdn/fabrics': ['AUD'],
  'GET /api2/json/cluster/sdn/fabrics/all': ALL,
  'GET /api2/json/cluster/sdn/fabrics/fabric': F,
  'POST /api2/json/cluster/sdn/fabrics/fabric': [],
  'GET /api2/json/cluster/sdn/fabrics/fabric/:id': ['AUD'],
  'PUT /api2/json/cluster/sdn/fabrics/fabric/:id': [],
  'DELETE /api2/json/cluster/sdn/fabrics/fabric/:id': [],
  'GET /api2/json/cluster/sdn/fabrics/node': F,
  'GET /api2/json/cluster/sdn/fabrics/node/:fabric_id': ['AUD'],
  'POST /api2/json/cluster/sdn/fabrics/node/:fabric_id': [],
  'GET /api2/json/cluster/sdn/fabrics/node/:fabric_id/:node_id': ['AUD'],
  'PUT /api2/json/cluster/sdn/fabrics/node/:fabric_id/:node_id': [],
  'DELETE /api2/json/cluster/sdn/fabrics/node/:fabric_id/:node_id': [],
  'GET /api2/json/cluster/sdn/dry-run/summary': F,
  'GET /api2/json/cluster/sdn/events': ['AUD'],
  'GET /api2/json/cluster/sdn/events/schemas': ['AUD'],
  'GET /api2/json/cluster/sdn/events/schemas/:type/:version': ['AUD'],
  'GET /api2/json/cluster/sdn/ipams': F,
  'POST /api2/json/cluster/sdn/ipams': [],
  'DELETE /api2/json/cluster/sdn/ipams/:ipam': [],
  'GET /api2/json/cluster/sdn/ipams/:ipam': [],
  'PUT /api2/json/cluster/sdn/ipams/:ipam': [],
  'GET /api2/json/cluster/sdn/ipams/:ipam/status': F,
  'DELETE /api2/json/cluster/sdn/lock': [],
  'POST /api2/json/cluster/sdn/lock': [],
  'POST /api2/json/cluster/sdn/rollback': [],
  // Our extension for the panel: open to every user, zones cut to those the caller may audit.
  'GET /api2/json/cluster/sdn/status': ALL,
  'GET /api2/json/cluster/sdn/vnets': F,
  'POST /api2/json/cluster/sdn/vnets': ['A'],
  'DELETE /api2/json/cluster/sdn/vnets/:vnet': ['A'],
  'GET /api2/json/cluster/sdn/vnets/:vnet': ['A', 'AUD', 'PS'],
  'PUT /api2/json/cluster/sdn/vnets/:vnet': ['A'],
  'DELETE /api2/json/cluster/sdn/vnets/:vnet/ips': ['A'],
  'POST /api2/json/cluster/sdn/vnets/:vnet/ips': ['A'],
  'PUT /api2/json/cluster/sdn/vnets/:vnet/ips': ['A'],
  'GET /api2/json/cluster/sdn/vnets/:vnet/subnets': ['A', 'AUD', 'PS'],
  'POST /api2/json/cluster/sdn/vnets/:vnet/subnets': ['A'],
  'DELETE /api2/json/cluster/sdn/vnets/:vnet/subnets/:subnet': ['A'],
  'GET /api2/json/cluster/sdn/vnets/:vnet/subnets/:subnet': ['A', 'AUD', 'PS'],
  'PUT /api2/json/cluster/sdn/vnets/:vnet/subnets/:subnet': ['A'],
  'GET /api2/json/cluster/sdn/zones': F,
  'POST /api2/json/cluster/sdn/zones': [],
  'DELETE /api2/json/cluster/sdn/zones/:zone': ['A'],
  // Reading one zone needs SDN.Allocate (spec §1.7): the auditor and the privsep token may not.
  'GET /api2/json/cluster/sdn/zones/:zone': ['A'],
  'PUT /api2/json/cluster/sdn/zones/:zone': ['A'],
  'GET /api2/json/nodes/:node/sdn': ALL,
  'GET /api2/json/nodes': ALL,
  'GET /api2/json/version': ALL,
  'GET /api2/json/cluster/tasks': ['AUD'],
  'GET /api2/json/nodes/:node/tasks': ['AUD'],
  'GET /api2/json/nodes/:node/tasks/:upid/status': ['AUD'],
  'GET /api2/json/nodes/:node/tasks/:upid/log': ['AUD'],
  'GET /api2/json/nodes/:node/sdn/zones': F,
  'GET /api2/json/nodes/:node/sdn/zones/:zone': ['A', 'AUD', 'PS'],
  'GET /api2/json/nodes/:node/sdn/zones/:zone/content': ['A', 'AUD', 'PS'],
  'GET /api2/json/nodes/:node/sdn/zones/:zone/bridges': ['A', 'AUD', 'PS'],
  'GET /api2/json/nodes/:node/sdn/zones/:zone/ip-vrf': ['A', 'AUD', 'PS'],
  'GET /api2/json/nodes/:node/sdn/vnets/:vnet': ['A', 'AUD', 'PS'],
  'GET /api2/json/nodes/:node/sdn/vnets/:vnet/mac-vrf': ['A', 'AUD', 'PS'],
  // A fabric's live state: SDN.Audit on /sdn/fabrics/<fabric> (the auditor only; zone rights do not reach fabrics).
  'GET /api2/json/nodes/:node/sdn/fabrics/:fabric': ['AUD'],
  'GET /api2/json/nodes/:node/sdn/fabrics/:fabric/routes': ['AUD'],
  'GET /api2/json/nodes/:node/sdn/fabrics/:fabric/neighbors': ['AUD'],
  'GET /api2/json/nodes/:node/sdn/fabrics/:fabric/interfaces': ['AUD'],
};

const PARAMS: Record<string, string> = {
  zone: 'zoneA',
  vnet: 'va',
  subnet: 'zoneA-10.1.0.0-24',
  controller: 'ctl1',
  ipam: 'pve',
  dns: 'pdns',
  node: 'testnode',
  task: 'UPID:testnode:0:0:0:reloadnetworkall::root@pam!test:',
  upid: 'UPID:testnode:00000000:00000000:00000000:reloadnetworkall::root@pam!test:',
  userid: 'alice@pve',
  groupid: 'grpA',
  tokenid: 'scratch',
  roleid: 'PVEAuditor',
  type: 'ZoneCreated',
  version: 'v1',
  id: 'fabA',
  fabric_id: 'fabA',
  fabric: 'fabA',
  node_id: 'testnode',
};

/** Bodies that would be valid (or at least well-formed) for an authorised caller. */
function body(e: Endpoint): Record<string, unknown> | undefined {
  const key = `${e.method} ${e.path}`;
  const bodies: Record<string, Record<string, unknown>> = {
    'PUT /api2/json/access/acl': { path: '/sdn/zones/zoneA', roles: 'PVEAuditor', users: 'bob@pve', groups: 'grpA' },
    'POST /api2/json/access/groups': { groupid: 'mgroup' },
    'PUT /api2/json/access/groups/:groupid': { comment: 'changed' },
    'PUT /api2/json/access/password': { userid: 'alice@pve', password: 'alices-new-pass' },
    'POST /api2/json/access/users': { userid: 'mallory@pve' },
    'PUT /api2/json/access/users/:userid': { comment: 'changed', groups: 'grpA', append: 1 },
    'POST /api2/json/access/users/:userid/token/:tokenid': { privsep: 0 },
    'PUT /api2/json/access/users/:userid/token/:tokenid': { comment: 'c' },
    'POST /api2/json/cluster/sdn/controllers': { controller: 'ctl1', type: 'bgp', asn: 65000, peers: '10.0.0.1', node: 'n1' },
    'PUT /api2/json/cluster/sdn/controllers/:controller': { asn: 65001 },
    'POST /api2/json/cluster/sdn/dns': { dns: 'pdns', type: 'powerdns', url: 'http://127.0.0.1:1/api', key: 'k' },
    'PUT /api2/json/cluster/sdn/dns/:dns': { ttl: 60 },
    'POST /api2/json/cluster/sdn/ipams': { ipam: 'ip2', type: 'pve' },
    'PUT /api2/json/cluster/sdn/ipams/:ipam': {},
    'POST /api2/json/cluster/sdn/vnets': { vnet: 'vm', zone: 'zoneA' },
    'PUT /api2/json/cluster/sdn/vnets/:vnet': { alias: 'changed' },
    'POST /api2/json/cluster/sdn/vnets/:vnet/ips': { zone: 'zoneA', ip: '10.1.0.5', mac: 'bc:24:11:00:00:01' },
    'PUT /api2/json/cluster/sdn/vnets/:vnet/ips': { zone: 'zoneA', ip: '10.1.0.6', mac: 'bc:24:11:00:00:01' },
    'DELETE /api2/json/cluster/sdn/vnets/:vnet/ips': { zone: 'zoneA', ip: '10.1.0.5' },
    'POST /api2/json/cluster/sdn/vnets/:vnet/subnets': { subnet: '10.1.9.0/24', type: 'subnet' },
    'PUT /api2/json/cluster/sdn/vnets/:vnet/subnets/:subnet': { gateway: '10.1.0.1' },
    'POST /api2/json/cluster/sdn/zones': { zone: 'zm', type: 'simple' },
    'POST /api2/json/cluster/sdn/fabrics/fabric': { id: 'fabB', protocol: 'openfabric', ip_prefix: '10.77.0.0/24' },
    'PUT /api2/json/cluster/sdn/fabrics/fabric/:id': { csnp_interval: 5 },
    'POST /api2/json/cluster/sdn/fabrics/node/:fabric_id': { node_id: 'n2', ip: '10.66.0.2' },
    'PUT /api2/json/cluster/sdn/fabrics/node/:fabric_id/:node_id': { ip: '10.66.0.3' },
    'PUT /api2/json/cluster/sdn/zones/:zone': { mtu: 1400 },
  };
  return bodies[key];
}

/** The IPAM endpoints answer 503 here: the matrix runs without NATS, so an authorised call reaches a missing service. */
const NEEDS_IPAM_SERVICE = /\/ips$|\/status$/;

describe('access matrix over every endpoint', () => {
  let api: TestApi;
  const auth: Partial<Record<Who, string>> = {};

  async function ensureFixtures(): Promise<void> {
    const have = async (p: string) => (await api.get(p)).status === 200;
    if (!(await have('/api2/json/access/groups/grpA'))) await api.post('/api2/json/access/groups', { groupid: 'grpA' }).expect(200);
    for (const z of ['zoneA', 'zoneB']) if (!(await have(`zones/${z}`))) await api.post('zones', { zone: z, type: 'simple', ipam: 'pve' }).expect(200);
    for (const [v, z] of [['va', 'zoneA'], ['vb', 'zoneB']]) if (!(await have(`vnets/${v}`))) await api.post('vnets', { vnet: v, zone: z }).expect(200);
    for (const [v, net, z] of [['va', '10.1.0.0/24', 'zoneA'], ['vb', '10.2.0.0/24', 'zoneB']]) {
      if (!(await have(`vnets/${v}/subnets/${z}-${net.replace('/', '-')}`))) await api.post(`vnets/${v}/subnets`, { subnet: net, type: 'subnet' }).expect(200);
    }
    if (!(await have('fabrics/fabric/fabA'))) await api.post('fabrics/fabric', { id: 'fabA', protocol: 'openfabric', ip_prefix: '10.66.0.0/24' }).expect(200);
    if (!(await have('fabrics/node/fabA/testnode'))) await api.post('fabrics/node/fabA', { node_id: 'testnode', ip: '10.66.0.1' }).expect(200);
  }

  beforeAll(async () => {
    api = await startTestApi({ authRateLimit: { threshold: 1_000_000 } });
    await ensureFixtures();
    const now = Math.floor(Date.now() / 1000);
    auth.A = await createPrincipal(api, 'alice@pve', 'a', { userGrants: [{ path: '/sdn/zones/zoneA', role: 'PVESDNAdmin' }] });
    auth.B = await createPrincipal(api, 'bob@pve', 'b', { userGrants: [{ path: '/sdn/zones/zoneB', role: 'PVESDNAdmin' }] });
    auth.AUD = await createPrincipal(api, 'audrey@pve', 'aud', { userGrants: [{ path: '/', role: 'PVEAuditor' }] });
    auth.PS = await createPrincipal(api, 'alice@pve', 'ps', { privsep: true, tokenGrants: [{ path: '/sdn/zones/zoneA', role: 'PVEAuditor' }] });
    auth.EXP = await createPrincipal(api, 'alice@pve', 'old', { expire: now - 60 });
  });
  afterAll(() => api.close());

  it('classifies every endpoint of the router (a new endpoint must be added here)', () => {
    const keys = listEndpoints(api.app)
      .filter((e) => !e.public)
      .map((e) => `${e.method} ${e.path}`);
    expect(keys.filter((k) => !(k in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
    // And none is left without a requirement (the guard would refuse it to all but root).
    expect(listEndpoints(api.app).filter((e) => !e.public && !e.requirement)).toEqual([]);
  });

  it('allows what the reference allows, refuses the rest with 401/403 and no change', async () => {
    const server = api.app.getHttpServer();
    const ds = api.state().store.ds;
    const snapshot = async () => JSON.stringify([await domainEventCount(api), await dumpProjection(ds), await dumpAccessProjection(ds)]);
    const audited = async () => Number((await ds.query(`SELECT count(*) AS n FROM events WHERE type = 'AccessDenied'`))[0].n);
    const auditBefore = await audited();
    let denials = 0;
    const failures: string[] = [];
    for (const e of listEndpoints(api.app).filter((x) => !x.public)) {
      const key = `${e.method} ${e.path}`;
      const expected = EXPECTED[key];
      const url = e.path.replace(/:([a-z_]+)/g, (_, n: string) => encodeURIComponent(PARAMS[n]));
      const query = e.method === 'GET' && e.path.endsWith('/dry-run') ? '?node=testnode' : '';
      // Refusals first, so the allowed calls that change something cannot hide a change made by a refused one.
      const order: Who[] = ['NONE', 'EXP', 'B', 'PS', 'AUD', 'A'];
      const denied = order.filter((w) => w === 'NONE' || w === 'EXP' || (expected !== F && !expected.includes(w)));
      for (const who of [...denied, ...order.filter((w) => !denied.includes(w))]) {
        const before = denied.includes(who) ? await snapshot() : '';
        let req = request(server)[e.method.toLowerCase() as 'get'](url + query);
        if (auth[who]) req = req.set('Authorization', auth[who]!);
        const b = body(e);
        if (b) req = req.send(b);
        const res = await req;
        const tag = `${who} ${key} → ${res.status}`;
        if (denied.includes(who)) {
          denials++;
          const want = who === 'NONE' || who === 'EXP' ? 401 : 403;
          if (res.status !== want) failures.push(`${tag} (expected ${want})`);
          // The refusal names nothing: not the object, not its zone.
          else if (JSON.stringify(res.body) !== JSON.stringify({ data: null, message: want === 401 ? 'authentication failure' : 'Permission check failed' })) failures.push(`${tag} leaks ${JSON.stringify(res.body)}`);
          if ((await snapshot()) !== before) failures.push(`${tag} changed state`);
        } else {
          const ok = res.status < 500 ? ![401, 403].includes(res.status) : res.status === 503 && NEEDS_IPAM_SERVICE.test(e.path);
          if (!ok) failures.push(`${tag} (expected to be allowed) ${JSON.stringify(res.body).slice(0, 200)}`);
          if (expected === F) {
            const text = JSON.stringify(res.body.data ?? null);
            const foreign = who === 'B' ? /zoneA|"va"/ : who === 'AUD' ? null : /zoneB|"vb"/;
            if (foreign && foreign.test(text)) failures.push(`${tag} lists another tenant's objects: ${text.slice(0, 200)}`);
          }
        }
      }
      await ensureFixtures();
    }
    expect(failures).toEqual([]);
    // Every refusal is on the audit trail.
    expect((await audited()) - auditBefore).toBe(denials);
  }, 120_000);

  it('lists: zone A\'s admin sees zone A, its vnet and subnet; zone B\'s sees B; the auditor both', async () => {
    const server = api.app.getHttpServer();
    const list = async (who: Who, p: string) => (await request(server).get(`/api2/json/cluster/sdn/${p}`).set('Authorization', auth[who]!).expect(200)).body.data as Record<string, string>[];
    expect((await list('A', 'zones')).map((z) => z.zone)).toEqual(['zoneA']);
    expect((await list('A', 'vnets')).map((v) => v.vnet)).toEqual(expect.arrayContaining(['va']));
    expect((await list('A', 'vnets')).every((v) => v.zone === 'zoneA')).toBe(true);
    expect((await list('A', 'vnets/va/subnets')).map((s) => s.subnet)).toEqual(expect.arrayContaining(['zoneA-10.1.0.0-24']));
    // The pending view too: a never-applied vnet is placed by its pending zone.
    const pendingVnets = await list('A', 'vnets?pending=1');
    expect(pendingVnets.map((v) => v.vnet)).toContain('va');
    expect(pendingVnets.map((v) => v.vnet)).not.toContain('vb');
    expect((await list('B', 'zones')).map((z) => z.zone)).toEqual(['zoneB']);
    expect((await list('PS', 'zones')).map((z) => z.zone)).toEqual(['zoneA']);
    expect((await list('AUD', 'zones')).map((z) => z.zone)).toEqual(['zoneA', 'zoneB']);
    await request(server).get('/api2/json/cluster/sdn/vnets/vb/subnets').set('Authorization', auth.A!).expect(403);
    // Naming zone B's subnet (or a missing one) under her own vnet tells her nothing either.
    for (const sub of ['zoneB-10.2.0.0-24', 'zoneA-10.99.0.0-24']) {
      await request(server).get(`/api2/json/cluster/sdn/vnets/va/subnets/${sub}`).set('Authorization', auth.A!).expect(403, { data: null, message: 'Permission check failed' });
    }
    await request(server).get('/api2/json/cluster/sdn/vnets/va/subnets/zoneB-10.2.0.0-24').set('Authorization', AUTH).expect(400);
    // Root (the bootstrap token) still sees everything.
    expect((await request(server).get('/api2/json/cluster/sdn/zones').set('Authorization', AUTH).expect(200)).body.data.length).toBeGreaterThanOrEqual(2);
  });
});
