import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { nodeStatusV2Of, type NodeStatusV1 } from '@sdn/contracts';
import { NodeStatusProjection } from '../nodes/node-status.projection';
import { as, createPrincipal } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

/** What the web panel reads besides the reference's endpoints: permissions, the status tree, the panel itself. */
describe('web panel endpoints', () => {
  let api: TestApi;
  let auditor: string;
  let zoneAdmin: string;
  const web = mkdtempSync(join(tmpdir(), 'sdn-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>SDN panel</title>');
  writeFileSync(join(web, 'assets', 'index-abc.js'), 'console.log(1)');

  beforeAll(async () => {
    api = await startTestApi({ webDir: web });
    auditor = await createPrincipal(api, 'aud@pve', 't', { userGrants: [{ path: '/sdn', role: 'PVEAuditor' }] });
    zoneAdmin = await createPrincipal(api, 'za@pve', 't', { userGrants: [{ path: '/sdn/zones/za', role: 'PVESDNAdmin' }] });
    const now = new Date().toISOString();
    const s: NodeStatusV1 = {
      node: 'n1',
      version: 3,
      apply: { version: 3, state: 'applied', at: now },
      zones: { za: { state: 'available' }, zb: { state: 'error', message: 'bridge vmbr9 missing' } },
      vnets: { v1: { zone: 'za', state: 'available' }, v2: { zone: 'za', state: 'pending' }, v3: { zone: 'zb', state: 'error', message: 'no vmbr9' } },
      heartbeatAt: now,
      heartbeatMs: 60_000,
    };
    const projection = api.app.get(NodeStatusProjection);
    projection.ingest(nodeStatusV2Of(s), Date.now());
    projection.ingest({ ...s, node: 'n0', version: 2, heartbeatMs: 1000 }, Date.now() - 60_000);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers the caller its own privileges per ACL path', async () => {
    const mine = (await as(api, auditor).get('/api2/json/access/permissions').expect(200)).body.data;
    expect(mine['/sdn']).toEqual({ 'SDN.Audit': 1, 'Sys.Audit': 1 });
    expect(mine['/']).toBeUndefined();
    const admin = (await as(api, zoneAdmin).get('/api2/json/access/permissions').expect(200)).body.data;
    expect(admin['/sdn/zones/za']['SDN.Allocate']).toBe(1);
    expect(admin['/sdn']).toBeUndefined();
    expect((await as(api, zoneAdmin).get('/api2/json/access/permissions?path=/sdn').expect(200)).body.data).toEqual({ '/sdn': {} });
    expect((await api.get('/api2/json/access/permissions').expect(200)).body.data['/']['SDN.Allocate']).toBe(1);
    expect((await api.get('/api2/json/access/permissions?path=sdn').expect(400)).body.errors.path).toMatch(/ACL path/);
    expect((await api.get('/api2/json/access/permissions?userid=x@pve').expect(400)).body.errors.userid).toBeDefined();
    await request(api.app.getHttpServer()).get('/api2/json/access/permissions').expect(401);
  });

  it('summarises every node for the status tree, zones cut to what the caller may audit', async () => {
    const all = (await api.get('/api2/json/cluster/sdn/status').expect(200)).body.data;
    expect(all.running).toBe(0);
    expect(all.nodes.map((n: { node: string }) => n.node)).toEqual(['n0', 'n1']);
    const [n0, n1] = all.nodes;
    expect(n0.offline).toBe(true);
    expect(n0.zones[0]).toMatchObject({ zone: 'za', status: 'offline' });
    expect(n1).toMatchObject({ node: 'n1', version: 3, offline: false, apply: { state: 'applied', version: 3 } });
    expect(n1.zones).toEqual([
      { zone: 'za', status: 'available', vnets: { available: 1, pending: 1, error: 0 }, errors: [] },
      { zone: 'zb', status: 'error', statusmsg: 'bridge vmbr9 missing', vnets: { available: 0, pending: 0, error: 1 }, errors: [{ vnet: 'v3', statusmsg: 'no vmbr9' }] },
    ]);
    const limited = (await as(api, zoneAdmin).get('/api2/json/cluster/sdn/status').expect(200)).body.data;
    expect(limited.nodes[1].zones.map((z: { zone: string }) => z.zone)).toEqual(['za']);
  });

  it('serves the panel at / and its files, and leaves other paths to the API', async () => {
    const server = api.app.getHttpServer();
    const index = await request(server).get('/').expect(200);
    expect(index.text).toContain('SDN panel');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await request(server).get('/assets/index-abc.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    await request(server).get('/nothing-here').expect(404);
    const unknown = await api.get('/api2/json/no/such/path').expect(404);
    expect(unknown.body).toMatchObject({ data: null });
  });
});
