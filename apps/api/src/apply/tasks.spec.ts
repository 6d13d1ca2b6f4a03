import type { NodeStatusV1 } from '@sdn/contracts';
import { NodeStatusProjection } from '../nodes/node-status.projection';
import { startTestApi, type TestApi } from '../testing/test-app';

/** Apply tasks the Proxmox way: a UPID from PUT /cluster/sdn, followed through /nodes/{node}/tasks/{upid}/… */
describe('tasks: status, log and lists of an apply', () => {
  let api: TestApi;
  const report = (node: string, version: number, state: 'applied' | 'error', message?: string): NodeStatusV1 => ({
    node,
    version: state === 'applied' ? version : version - 1,
    apply: { version, state, at: new Date().toISOString(), ...(message ? { message } : {}) },
    zones: {},
    vnets: {},
    heartbeatAt: new Date().toISOString(),
    heartbeatMs: 60_000,
  });
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('is running while a node is pending, stopped/OK once all applied, names failed nodes otherwise', async () => {
    const nodes = api.app.get(NodeStatusProjection);
    nodes.ingest(report('pve1', 0, 'applied'), Date.now());
    nodes.ingest(report('pve2', 0, 'applied'), Date.now());
    const upid = (await api.put('/api2/json/cluster/sdn').set('X-Correlation-Id', 'tasks-spec-apply-1').expect(200)).body.data as string;
    expect(upid).toMatch(/^UPID:testnode:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:reloadnetworkall::root@pam!test:$/);
    const path = `/api2/json/nodes/testnode/tasks/${encodeURIComponent(upid)}`;
    expect((await api.get(`${path}/status`).expect(200)).body.data).toMatchObject({ upid, status: 'running', type: 'reloadnetworkall', user: 'root@pam!test', node: 'testnode' });
    nodes.ingest(report('pve1', 1, 'applied'), Date.now());
    expect((await api.get(`${path}/status`).expect(200)).body.data.status).toBe('running');
    nodes.ingest(report('pve2', 1, 'applied'), Date.now());
    expect((await api.get(`${path}/status`).expect(200)).body.data).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    const log = (await api.get(`${path}/log`).expect(200)).body.data as { n: number; t: string }[];
    expect(log.map((l) => l.t)).toEqual(['start reloadnetworkall: version 1 to 2 node(s), correlation id tasks-spec-apply-1', expect.stringMatching(/^pve1: applied version 1 in \d+ ms$/), expect.stringMatching(/^pve2: applied version 1/), 'TASK OK']);

    const second = (await api.put('/api2/json/cluster/sdn').expect(200)).body.data as string;
    nodes.ingest(report('pve1', 2, 'applied'), Date.now());
    nodes.ingest(report('pve2', 2, 'error', 'ifreload failed'), Date.now());
    const st = (await api.get(`/api2/json/nodes/testnode/tasks/${encodeURIComponent(second)}/status`).expect(200)).body.data;
    expect(st).toMatchObject({ status: 'stopped', exitstatus: 'failed on 1 node(s): pve2 (ifreload failed)' });
    const listed = (await api.get('/api2/json/cluster/tasks').expect(200)).body.data as { upid: string }[];
    expect(listed.map((t) => t.upid)).toEqual([second, upid]);
    expect(((await api.get('/api2/json/nodes/testnode/tasks').expect(200)).body.data as unknown[]).length).toBe(2);
    await api.get(`/api2/json/nodes/testnode/tasks/${encodeURIComponent('UPID:testnode:00000001:00000001:00000001:reloadnetworkall::x@pve:')}/status`).expect(404);
    await api.get('/api2/json/nodes/testnode/tasks/garbage/status').expect(400);
  });

  it('answers /version and /nodes; unknown paths keep the error shape', async () => {
    expect((await api.get('/api2/json/version').expect(200)).body.data).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/), release: expect.any(String), repoid: expect.any(String) });
    expect((await api.get('/api2/json/nodes').expect(200)).body.data).toEqual([
      { node: 'pve1', status: 'online', type: 'node', id: 'node/pve1' },
      { node: 'pve2', status: 'online', type: 'node', id: 'node/pve2' },
    ]);
    expect((await api.get('/api2/json/no/such/path').expect(404)).body).toEqual({ data: null, message: expect.any(String) });
  });

  it('answers /cluster/status: the cluster entry and one entry per node, offline once it misses its heartbeats', async () => {
    const nodes = api.app.get(NodeStatusProjection);
    // testnode is the name of this API replica (local); its report is older than three missed heartbeats.
    nodes.ingest({ ...report('testnode', 0, 'applied'), heartbeatMs: 1000 }, Date.now() - 10_000);
    expect((await api.get('/api2/json/cluster/status').expect(200)).body.data).toEqual([
      { type: 'cluster', id: 'cluster', name: 'sdn', nodes: 3, quorate: 1 },
      { type: 'node', id: 'node/pve1', name: 'pve1', online: 1, local: 0 },
      { type: 'node', id: 'node/pve2', name: 'pve2', online: 1, local: 0 },
      { type: 'node', id: 'node/testnode', name: 'testnode', online: 0, local: 1 },
    ]);
    expect((await api.get('/api2/json/nodes').expect(200)).body.data).toContainEqual({ node: 'testnode', status: 'offline', type: 'node', id: 'node/testnode' });
  });
});
