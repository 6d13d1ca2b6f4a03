import { foldLog } from '@sdn/event-store';
import { createPrincipal } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

/** Fabrics through the real API and database: CRUD, views, events, the reference's errors and permissions. */
describe('fabrics API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ authRateLimit: { threshold: 1_000_000 } });
  });
  afterAll(() => api.close());

  it('creates fabrics and nodes, serves pending/running views, applies them into the running config', async () => {
    expect((await api.get('').expect(200)).body.data).toContainEqual({ id: 'fabrics' });
    expect((await api.get('fabrics').expect(200)).body.data).toEqual([{ subdir: 'fabric' }, { subdir: 'node' }, { subdir: 'all' }]);
    await api.post('fabrics/fabric', { id: 'of1', protocol: 'openfabric', ip_prefix: '10.10.0.0/24', hello_interval: 2 }).expect(200, { data: null });
    await api.post('fabrics/node/of1', { node_id: 'n1', protocol: 'openfabric', ip: '10.10.0.1', interfaces: ['name=veth12', 'name=veth13'] }).expect(200);
    await api.post('fabrics/node/of1', { node_id: 'n2', ip: '10.10.0.2', interfaces: ['name=veth21,hello_multiplier=3'] }).expect(200);

    const digest = expect.stringMatching(/^[0-9a-f]{40}$/);
    expect((await api.get('fabrics/fabric').expect(200)).body.data).toEqual([{ id: 'of1', protocol: 'openfabric', ip_prefix: '10.10.0.0/24', hello_interval: 2, digest }]);
    expect((await api.get('fabrics/node/of1/n2').expect(200)).body.data).toEqual({ fabric_id: 'of1', node_id: 'n2', protocol: 'openfabric', ip: '10.10.0.2', interfaces: ['name=veth21,hello_multiplier=3'], digest });
    expect((await api.get('fabrics/fabric?pending=1').expect(200)).body.data).toEqual([
      { id: 'of1', protocol: 'openfabric', state: 'new', pending: { ip_prefix: '10.10.0.0/24', hello_interval: 2 }, digest },
    ]);
    expect((await api.get('fabrics/fabric?running=1').expect(200)).body.data).toEqual([]);
    const all = (await api.get('fabrics/all').expect(200)).body.data;
    expect(all.fabrics.map((f: { id: string }) => f.id)).toEqual(['of1']);
    expect(all.nodes.map((n: { node_id: string }) => n.node_id)).toEqual(['n1', 'n2']);

    await api.put('', {}).expect(200);
    const running = api.state().current.running!.config.fabrics as { ids: Record<string, unknown> };
    expect(running.ids).toEqual({
      of1: { type: 'openfabric_fabric', id: 'of1', ip_prefix: '10.10.0.0/24', hello_interval: 2 },
      of1_n1: { type: 'openfabric_node', id: 'of1_n1', ip: '10.10.0.1', interfaces: ['name=veth12', 'name=veth13'] },
      of1_n2: { type: 'openfabric_node', id: 'of1_n2', ip: '10.10.0.2', interfaces: ['name=veth21,hello_multiplier=3'] },
    });

    await api.put('fabrics/fabric/of1', { csnp_interval: 5, delete: 'hello_interval' }).expect(200);
    expect((await api.get('fabrics/fabric/of1?pending=1').expect(200)).body.data).toMatchObject({ id: 'of1' });
    expect((await api.get('fabrics/fabric?pending=1').expect(200)).body.data).toEqual([
      { id: 'of1', protocol: 'openfabric', ip_prefix: '10.10.0.0/24', hello_interval: 2, state: 'changed', pending: { csnp_interval: 5, hello_interval: 'deleted' }, digest },
    ]);

    // Events: one per section edit, folded back into the same state by a rebuild.
    const types = (await api.state().store.ds.query(`SELECT type FROM events WHERE type LIKE 'Fabric%' ORDER BY seq`)).map((r: { type: string }) => r.type);
    expect(types).toEqual(['FabricCreated', 'FabricNodeCreated', 'FabricNodeCreated', 'FabricUpdated']);
    expect((await foldLog(api.state().store.ds)).pending.fabrics).toEqual(api.state().current.pending.fabrics);
  });

  it('refuses with the reference’s errors and changes nothing', async () => {
    const before = { fabrics: api.state().current.pending.fabrics, events: await api.eventCount() };
    const cases: [string, string, Record<string, unknown>, number, Record<string, unknown>][] = [
      ['post', 'fabrics/fabric', { id: 'os1', protocol: 'ospf', area: '0', ip_prefix: '10.20.0.0/24', ip6_prefix: 'fd00::/64' }, 400, { ip6_prefix: 'IPv6 is currently not supported for protocol ospf' }],
      ['post', 'fabrics/fabric', { id: 'of2', protocol: 'openfabric', ip_prefix: '10.10.0.0/16' }, 400, { ip_prefix: "IP prefix 10.10.0.0/16 in fabric 'of2' overlaps with IPv4 prefix 10.10.0.0/24 in fabric 'of1'" }],
      ['post', 'fabrics/fabric', { id: 'of1', protocol: 'openfabric', ip_prefix: '10.30.0.0/24' }, 400, { id: "fabric 'of1' already exists in config" }],
      ['post', 'fabrics/node/of1', { node_id: 'n3', ip: '10.10.0.1' }, 400, { ip: 'fabric of1 contains nodes with duplicated IPs' }],
      ['post', 'fabrics/node/of1', { node_id: 'n3', ip: '10.99.0.3' }, 400, { ip: 'node IP 10.99.0.3 is outside the IP prefix 10.10.0.0/24 of the fabric' }],
      ['post', 'fabrics/node/of1', { node_id: 'n3', interfaces: ['name=e1'] }, 400, { ip: expect.stringContaining("node 'of1_n3' does not have an IP configured") }],
      ['put', 'fabrics/node/of1/n1', { interfaces: ['name=veth12', 'name=veth12'] }, 400, { interfaces: 'interface is already in use by another fabric' }],
      ['post', 'fabrics/node/nofab', { node_id: 'n3', ip: '10.10.0.3' }, 404, { fabric_id: "fabric 'nofab' does not exist in configuration" }],
      ['put', 'fabrics/fabric/of1', { digest: '0'.repeat(40), csnp_interval: 7 }, 400, { digest: expect.stringMatching(/detected modified configuration/) }],
    ];
    for (const [method, path, body, status, errors] of cases) {
      const res = await (method === 'post' ? api.post(path, body) : api.put(path, body));
      expect({ path, status: res.status, errors: res.body.errors }).toEqual({ path, status, errors });
    }
    expect({ fabrics: api.state().current.pending.fabrics, events: await api.eventCount() }).toEqual(before);
  });

  it('validates zones and controllers that name a fabric, and keeps a used fabric', async () => {
    await api.post('zones', { zone: 'vxf', type: 'vxlan', fabric: 'nofab' }).expect(400).then((r) => expect(r.body).toMatchObject({ errors: { fabric: 'fabric nofab does not exist' } }));
    await api.post('zones', { zone: 'vxf', type: 'vxlan', fabric: 'of1' }).expect(200);
    await api.del('fabrics/fabric/of1').expect(400).then((r) => expect(r.body).toMatchObject({ errors: { id: 'this fabric is still used in the VXLAN zone "vxf"' } }));
    await api.del('zones/vxf').expect(200);
    await api.post('fabrics/fabric', { id: 'of9', protocol: 'openfabric', ip_prefix: '10.90.0.0/24' }).expect(200);
    await api.post('fabrics/node/of9', { node_id: 'n1', ip: '10.90.0.1' }).expect(200);
    await api.del('fabrics/fabric/of9').expect(200);
    expect(Object.keys(api.state().current.pending.fabrics).filter((k) => k.startsWith('of9'))).toEqual([]);
  });

  it('permissions: fabric ACL paths, and Sys.Modify on the node for node edits', async () => {
    // SDN admin on the fabric, Sys.Audit only on node n1: may read n1, may not change it.
    const auth = await createPrincipal(api, 'fab@pve', 'f', { userGrants: [{ path: '/sdn/fabrics/of1', role: 'PVESDNAdmin' }, { path: '/nodes/n1', role: 'PVEAuditor' }] });
    const as = (r: ReturnType<TestApi['get']>) => r.set('Authorization', auth);
    expect((await as(api.get('fabrics/fabric')).expect(200)).body.data.map((f: { id: string }) => f.id)).toEqual(['of1']);
    expect((await as(api.get('fabrics/node/of1')).expect(200)).body.data.map((n: { node_id: string }) => n.node_id)).toEqual(['n1']);
    await as(api.get('fabrics/node/of1/n1')).expect(200);
    await as(api.get('fabrics/node/of1/n2')).expect(403);
    await as(api.put('fabrics/node/of1/n1', { ip: '10.10.0.11' })).expect(403);
    await as(api.put('fabrics/fabric/of1', { csnp_interval: 9 })).expect(200);
    await as(api.post('fabrics/fabric', { id: 'of3', protocol: 'openfabric', ip_prefix: '10.33.0.0/24' })).expect(403);
    await as(api.del('fabrics/fabric/of1')).expect(403).then((r) => expect(r.body).toMatchObject({ message: "permission check failed: missing 'Sys.Modify' on node n1" }));
  });
});
