import request from 'supertest';
import { BASE, ROOT_SECRET, ROOT_TOKEN_ID, startTestApi, type TestApi } from '../testing/test-app';
import { createPrincipal, domainEventCount } from '../testing/access';
import { upsertToken } from './token.service';
import { hashSecret, parseAuthorization, parseTokenString } from './tokens';

describe('token parsing and hashing', () => {
  it('accepts both header spellings', () => {
    expect(parseAuthorization('PVEAPIToken=root@pam!t1=abcdefgh-1')).toEqual({ id: 'root@pam!t1', secret: 'abcdefgh-1' });
    expect(parseAuthorization('PVEAPIToken root@pam!t1=abcdefgh-1')).toEqual({ id: 'root@pam!t1', secret: 'abcdefgh-1' });
    expect(parseAuthorization('Bearer x')).toBeNull();
    expect(parseAuthorization('PVEAPIToken=root@pam=abcdefgh')).toBeNull(); // no token id
    expect(parseTokenString('nouser!x=abcdefgh')).toBeNull();
  });
  it('salts hashes', () => {
    expect(hashSecret('a', 's')).not.toBe(hashSecret('b', 's'));
  });
});

describe('authentication', () => {
  let api: TestApi;
  let server: Parameters<typeof request>[0];
  beforeAll(async () => {
    api = await startTestApi();
    server = api.app.getHttpServer();
  });
  afterAll(() => api.close());

  it('401 without, with a malformed or with a wrong token; health is public', async () => {
    await request(server).get(`${BASE}/zones`).expect(401);
    await request(server).get(`${BASE}/zones`).set('Authorization', 'PVEAPIToken=garbage').expect(401);
    await request(server).get(`${BASE}/zones`).set('Authorization', `PVEAPIToken=${ROOT_TOKEN_ID}=00000000-0000-0000-0000-000000000000`).expect(401);
    const before = await domainEventCount(api);
    await request(server).post(`${BASE}/zones`).send({ zone: 'z1', type: 'simple' }).expect(401);
    // Nothing changed; the refusal itself is on the audit trail.
    expect(await domainEventCount(api)).toBe(before);
    const audit = (await api.get('events?limit=1000')).body.data as { type: string; actor: string; payload: { status: number; reason: string; url: string } }[];
    expect(audit.filter((e) => e.type === 'AccessDenied').map((e) => [e.actor, e.payload.status, e.payload.reason])).toEqual(
      expect.arrayContaining([['anonymous', 401, 'no-credentials'], ['anonymous', 401, 'bad-credentials']]),
    );
    await request(server).get('/health').expect(200);
  });

  it('the bootstrap token works in both forms; the secret is stored hashed', async () => {
    await request(server).get(`${BASE}/zones`).set('Authorization', `PVEAPIToken=${ROOT_TOKEN_ID}=${ROOT_SECRET}`).expect(200);
    await request(server).get(`${BASE}/zones`).set('Authorization', `PVEAPIToken ${ROOT_TOKEN_ID}=${ROOT_SECRET}`).expect(200);
  });

  it('a token created later (sdnctl token) authenticates and is recorded as actor', async () => {
    const ds = api.state().store.ds;
    const [row] = await ds.query('SELECT salt, hash FROM api_tokens WHERE id = $1', [ROOT_TOKEN_ID]);
    expect(row.hash).toBe(hashSecret(row.salt, ROOT_SECRET));
    expect(JSON.stringify(row)).not.toContain(ROOT_SECRET);

    // A credential row alone is not an identity: without the user and token records it is refused.
    await upsertToken(ds, { id: 'ops@pve!raw', secret: '9a8b7c6d-1111-4222-8333-444455556666' });
    await request(server).get(`${BASE}/zones`).set('Authorization', 'PVEAPIToken=ops@pve!raw=9a8b7c6d-1111-4222-8333-444455556666').expect(401);

    const auth = await createPrincipal(api, 'ops@pve', 'ci', { userGrants: [{ path: '/sdn', role: 'PVESDNAdmin' }] });
    await request(server).post(`${BASE}/zones`).set('Authorization', auth).send({ zone: 'zops', type: 'simple' }).expect(200);
    const events = (await api.get('events?limit=100')).body.data as { aggregateId: string; actor: string }[];
    expect(events.find((e) => e.aggregateId === 'zops')?.actor).toBe('ops@pve!ci');
  });
});

describe('privileges: recorded per endpoint, checked by the pluggable PermissionChecker', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('passes the resolved ACL path to the checker; a refusal is 403 and changes nothing', async () => {
    const { PermissionChecker } = await import('./auth.guard');
    const checker = api.app.get(PermissionChecker);
    const spy = jest.spyOn(checker, 'allowed').mockImplementation((_id, _privs, path) => path !== '/sdn/zones/secret');
    try {
      await api.post('zones', { zone: 'open', type: 'simple' }).expect(200);
      expect(spy).toHaveBeenLastCalledWith(ROOT_TOKEN_ID, ['SDN.Allocate'], '/sdn/zones');
      await api.post('zones', { zone: 'secret', type: 'simple' }).expect(200);
      const before = await domainEventCount(api);
      await api.put('zones/secret', { mtu: 1400 }).expect(403);
      expect(spy).toHaveBeenLastCalledWith(ROOT_TOKEN_ID, ['SDN.Allocate'], '/sdn/zones/secret');
      expect(await domainEventCount(api)).toBe(before);
      // Lists are open to every caller and filtered item by item.
      const listed = (await api.get('zones').expect(200)).body.data as { zone: string }[];
      expect(listed.map((z) => z.zone)).toEqual(['open']);
      expect(spy).toHaveBeenCalledWith(ROOT_TOKEN_ID, ['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/secret');
    } finally {
      spy.mockRestore();
    }
  });

  it('serves the OpenAPI document without authentication', async () => {
    const doc = (await request(api.app.getHttpServer()).get('/api2/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api2/json/cluster/sdn/zones', '/api2/json/cluster/sdn/vnets/{vnet}/subnets/{subnet}', '/api2/json/cluster/sdn/lock']));
  });
});
