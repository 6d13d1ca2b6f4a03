import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import type { EventEnvelope } from '@sdn/contracts';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * GET /cluster/sdn/events/schemas: the JSON Schemas generated from
 * @sdn/contracts, checked with a JSON Schema validator (Ajv, draft 2020-12)
 * against every event a real sequence of requests wrote to the log — zones,
 * VNets, subnets (created, updated, deleted), IPAM/DNS objects, lock, apply,
 * rollback, users, tokens, ACLs and a refused request.
 */
describe('event JSON Schemas served by the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('lists every event type and validates every event of a real session against its schema', async () => {
    await api.post('zones', { zone: 'zs', type: 'vxlan', peers: '10.0.0.1,10.0.0.2' }).expect(200);
    await api.post('vnets', { vnet: 'vs1', zone: 'zs', tag: 100 }).expect(200);
    await api.put('vnets/vs1', { alias: 'first' }).expect(200);
    await api.post('vnets/vs1/subnets', { subnet: '10.9.0.0/24', type: 'subnet', gateway: '10.9.0.1' }).expect(200);
    await api.post('vnets/vs1/subnets', { subnet: '10.8.1.0/24', type: 'subnet', gateway: '10.8.0.1', 'gateway-outside-subnet': 1 }).expect(200);
    await api.post('controllers', { controller: 'ev', type: 'evpn', asn: 65000, peers: '10.0.0.1' }).expect(200);
    await api.put('').expect(200);
    await api.del('controllers/ev').expect(200);
    await api.post('ipams', { ipam: 'pve2', type: 'pve' }).expect(200);
    await api.del('ipams/pve2').expect(200);
    const lock = (await api.post('lock', { 'allow-pending': 1 }).expect(200)).body.data as string;
    await api.del('lock', { 'lock-token': lock }).expect(200);
    await api.post('rollback').expect(200);
    await api.post('/api2/json/access/users', { userid: 'aud@pve' }).expect(200);
    await api.post('/api2/json/access/users/aud@pve/token/t1', { privsep: 0 }).expect(200);
    await api.put('/api2/json/access/acl', { path: '/sdn', roles: 'PVEAuditor', users: 'aud@pve' }).expect(200);
    await api.del('/api2/json/access/users/aud@pve/token/t1').expect(200);
    await api.put('/api2/json/access/users/aud@pve', { comment: 'x' }).expect(200);
    await api.del('/api2/json/access/users/aud@pve').expect(200);
    await request(api.app.getHttpServer()).get('/api2/json/cluster/sdn/zones').expect(401);

    const index = (await api.get('events/schemas').expect(200)).body.data as { type: string; typeVersion: number; schema: string; cloudEventType: string; subject: string }[];
    expect(index.find((e) => e.type === 'IpAllocated')).toMatchObject({ cloudEventType: 'sdn.ip.IpAllocated.v1', subject: 'sdn.events.ip.IpAllocated', schema: '/api2/json/cluster/sdn/events/schemas/IpAllocated/v1' });

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const schemas = new Map<string, ReturnType<typeof ajv.compile>>();
    for (const e of index) {
      const schema = (await api.get(e.schema).expect(200)).body.data as Record<string, unknown>;
      expect(schema.$id).toBe(e.schema);
      schemas.set(`${e.type}/v${e.typeVersion}`, ajv.compile(schema));
    }
    const events = (await api.get('events?limit=1000').expect(200)).body.data as EventEnvelope[];
    const types = new Set(events.map((e) => e.type));
    for (const t of ['ZoneCreated', 'VnetUpdated', 'SubnetCreated', 'ControllerDeleted', 'ConfigApplied', 'ConfigRolledBack', 'LockAcquired', 'LockReleased', 'UserCreated', 'TokenCreated', 'AclChanged', 'TokenDeleted', 'UserUpdated', 'UserDeleted', 'AccessDenied']) {
      expect(types).toContain(t);
    }
    for (const ev of events) {
      const validate = schemas.get(`${ev.type}/v${ev.typeVersion}`);
      expect([ev.type, validate ? 'has a schema' : 'no schema']).toEqual([ev.type, 'has a schema']);
      expect([ev.type, validate!(ev), validate!.errors ?? null]).toEqual([ev.type, true, null]);
    }
    // And the schemas do reject: a ZoneCreated without its object, an IpAllocated without an address.
    expect(schemas.get('ZoneCreated/v1')!({ ...events[0], payload: { id: 'zs' } })).toBe(false);
    expect(schemas.get('IpAllocated/v1')!({ ...events[0], type: 'IpAllocated', aggregateType: 'ip', payload: { zone: 'zs', vnet: 'vs1', subnet: 'x' } })).toBe(false);
  });

  it('names an unknown type or version with 404, a malformed version with 400', async () => {
    await api.get('events/schemas/NoSuchEvent/v1').expect(404);
    await api.get('events/schemas/ZoneCreated/v9').expect(404);
    const bad = await api.get('events/schemas/ZoneCreated/1').expect(400);
    expect(bad.body.errors).toEqual({ version: expect.stringMatching(/v1/) });
  });
});
