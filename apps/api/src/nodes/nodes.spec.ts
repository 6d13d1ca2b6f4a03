import { Logger } from '@nestjs/common';
import { CONTRACTS, nodeStatusV2Of, type NodeStatus, type NodeStatusV1 } from '@sdn/contracts';
import { isolatedBus, publishContract, type IsolatedBus } from '@sdn/bus';
import { startTestApi, type TestApi } from '../testing/test-app';
import { NodeStatusProjection } from './node-status.projection';

/** Node endpoints and apply progress over a real (isolated) status stream, fed as the agents feed it. */
describe('node SDN status endpoints', () => {
  let bus: IsolatedBus;
  let api: TestApi;
  const now = () => new Date().toISOString();
  const status = (node: string, over: Partial<NodeStatusV1> = {}): NodeStatusV1 => ({
    node,
    version: 1,
    apply: { version: 1, state: 'applied', at: now() },
    zones: { zb: { state: 'available' }, za: { state: 'error' } },
    vnets: { v1: { zone: 'za', state: 'error', message: 'missing vmbr9' }, v2: { zone: 'za', state: 'available' }, v3: { zone: 'zb', state: 'available' } },
    heartbeatAt: now(),
    heartbeatMs: 60_000,
    ...over,
  });
  const publish = (s: NodeStatusV1) => publishContract(bus.js, bus.topology.statusSubject(s.node), CONTRACTS.nodeStatus, s);
  const seen = async (node: string, pred: (s: NodeStatus) => boolean) => {
    const projection = api.app.get(NodeStatusProjection);
    const end = Date.now() + 10_000;
    while (!(projection.get(node) && pred(projection.get(node)!.status))) {
      if (Date.now() > end) throw new Error(`status of ${node} not seen`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    bus = await isolatedBus({ name: 'api-nodes-spec' });
    // A status stored before the API starts is read back (last per subject).
    await publish(status('node1'));
    api = await startTestApi({ nats: true, busNamespace: bus.topology.namespace });
    await api.post('zones', { zone: 'za', type: 'simple' }).expect(200);
    await api.post('zones', { zone: 'zb', type: 'vlan', bridge: 'vmbr0' }).expect(200);
    await seen('node1', () => true);
  });
  afterAll(async () => {
    await api?.close();
    await bus?.destroy();
  });

  it('lists zone status per node, sorted, and the vnets of a zone with their messages', async () => {
    expect((await api.get('/api2/json/nodes/node1/sdn').expect(200)).body.data).toEqual([{ name: 'fabrics' }, { name: 'vnets' }, { name: 'zones' }]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones').expect(200)).body.data).toEqual([
      { zone: 'za', status: 'error' },
      { zone: 'zb', status: 'available' },
    ]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones/za').expect(200)).body.data).toEqual([{ subdir: 'content' }, { subdir: 'bridges' }, { subdir: 'ip-vrf' }]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones/za/content').expect(200)).body.data).toEqual([
      { vnet: 'v1', status: 'error', statusmsg: 'missing vmbr9' },
      { vnet: 'v2', status: 'available' },
    ]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones/nozone/content').expect(200)).body.data).toEqual([]);
  });

  it('follows new reports, and tells unknown nodes and bad names apart', async () => {
    await publish(status('node1', { zones: { za: { state: 'pending' } }, vnets: {} }));
    await seen('node1', (s) => s.zones.za?.state === 'pending');
    expect((await api.get('/api2/json/nodes/node1/sdn/zones').expect(200)).body.data).toEqual([{ zone: 'za', status: 'pending' }]);
    expect((await api.get('/api2/json/nodes/ghost/sdn/zones').expect(404)).body).toEqual({ data: null, message: "node 'ghost' has not reported SDN status" });
    expect((await api.get('/api2/json/nodes/bad_name!/sdn/zones').expect(400)).body.errors).toEqual({ node: expect.stringMatching(/valid node name/) });
  });

  it('shows a node that misses its heartbeats as offline, in node and cluster views', async () => {
    await publish(status('node9', { heartbeatMs: 100 }));
    await seen('node9', () => true);
    await new Promise((r) => setTimeout(r, 450));
    const zones = (await api.get('/api2/json/nodes/node9/sdn/zones').expect(200)).body.data;
    expect(zones).toEqual([
      { zone: 'za', status: 'offline', statusmsg: expect.stringMatching(/^node has sent no status for 3 heartbeats/) },
      { zone: 'zb', status: 'offline', statusmsg: expect.any(String) },
    ]);
    const res = (await api.get('/api2/json/cluster/resources?type=sdn').expect(200)).body.data as { id: string; status: string }[];
    expect(res.filter((r) => r.id.startsWith('sdn/node9/')).map((r) => r.status)).toEqual(['offline', 'offline', 'offline']);
  });

  it('serves /cluster/resources?type=sdn in the reference shape, localnetwork included', async () => {
    await api.put('').expect(200); // running config: zone types come from it
    await publish(status('node1'));
    await seen('node1', (s) => s.zones.zb !== undefined);
    const res = (await api.get('/api2/json/cluster/resources?type=sdn').expect(200)).body.data as { node: string }[];
    expect(res.filter((r) => r.node === 'node1')).toEqual([
      { id: 'sdn/node1/localnetwork', type: 'sdn', sdn: 'localnetwork', node: 'node1', status: 'ok' },
      { id: 'sdn/node1/za', type: 'sdn', sdn: 'za', node: 'node1', status: 'error', 'zone-type': 'simple' },
      { id: 'sdn/node1/zb', type: 'sdn', sdn: 'zb', node: 'node1', status: 'available', 'zone-type': 'vlan' },
    ]);
    expect((await api.get('/api2/json/cluster/resources?type=vm').expect(200)).body.data).toEqual([]);
    expect((await api.get('/api2/json/cluster/resources?type=bogus').expect(400)).body.errors).toEqual({ type: expect.any(String) });
  });

  it("reports an apply's progress per node, with errors and the slowest node", async () => {
    const task = (await api.put('').expect(200)).body.data as string;
    const version = api.state().current.running!.version;
    const path = `apply/${encodeURIComponent(task)}`;
    await publish(status('node1', { version: version - 1, apply: { version: version - 1, state: 'applied', at: now() } }));
    await publish(status('node2', { version: version - 1, apply: { version: version - 1, state: 'applied', at: now() } }));
    await seen('node2', (s) => s.version === version - 1);
    await seen('node1', (s) => s.version === version - 1);
    let view = (await api.get(path).expect(200)).body.data;
    expect(view).toMatchObject({ task, version, done: false });
    expect(view.nodes.filter((n: { node: string }) => n.node !== 'node9').map((n: { state: string }) => n.state)).toEqual(['pending', 'pending']);

    await new Promise((r) => setTimeout(r, 30));
    await publish(status('node1', { version, apply: { version, state: 'applied', task, at: now() } }));
    await publish(status('node2', { version: version - 1, apply: { version, state: 'error', message: 'ifreload failed (rc 1)', task, at: now() } }));
    await seen('node2', (s) => s.apply.state === 'error');
    await seen('node1', (s) => s.version === version);
    view = (await api.get(path).expect(200)).body.data;
    const byNode = Object.fromEntries(view.nodes.map((n: { node: string }) => [n.node, n]));
    expect(byNode.node1).toMatchObject({ state: 'applied', version, time: expect.any(String), offline: false });
    expect(byNode.node1.ms).toBeGreaterThanOrEqual(30);
    expect(byNode.node2).toMatchObject({ state: 'error', version: version - 1, message: 'ifreload failed (rc 1)', time: expect.any(String) });
    // node9 (offline, never got this version) is still pending, hence the slowest.
    expect(byNode.node9).toMatchObject({ state: 'pending', offline: true });
    expect(view.slowest).toEqual({ node: 'node9', state: 'pending', ms: byNode.node9.ms });
    expect(view.done).toBe(false);
  });

  it('answers an unknown task with 404 in the Proxmox error shape', async () => {
    const res = await api.get(`apply/${encodeURIComponent('UPID:x:00000001:00000001:00000001:reloadnetworkall::root@pam:')}`).expect(404);
    expect(res.body).toEqual({ data: null, message: "no SDN apply task 'UPID:x:00000001:00000001:00000001:reloadnetworkall::root@pam:'" });
  });

  it('ignores a report naming another node, and one that breaks the contract', async () => {
    await publish(status('node7', { zones: { za: { state: 'available' } }, vnets: {} }));
    await seen('node7', () => true);
    // On node7's subject, claiming to be node1: neither node's view changes.
    await bus.js.publish(bus.topology.statusSubject('node7'), JSON.stringify(status('node1', { zones: { zb: { state: 'error' } } })));
    await bus.js.publish(bus.topology.statusSubject('node7'), JSON.stringify({ node: 'node7', version: 'not a number' }));
    // A valid report after them shows they were read (and dropped) in order.
    await publish(status('node7', { version: 2, zones: { za: { state: 'pending' } }, vnets: {} }));
    await seen('node7', (s) => s.version === 2);
    expect((await api.get('/api2/json/nodes/node7/sdn/zones').expect(200)).body.data).toEqual([{ zone: 'za', status: 'pending' }]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones').expect(200)).body.data).not.toContainEqual({ zone: 'zb', status: 'error' });
  });

  it('serves a NodeStatus v2 report exactly as its v1 form, beside v1 reporters', async () => {
    const v1 = status('nodev1', { version: 3, apply: { version: 3, state: 'applied', at: now() } });
    const v2 = nodeStatusV2Of({ ...v1, node: 'nodev2' });
    expect(v2.vnetsByZone.za).toEqual({ state: 'error', message: 'missing vmbr9', vnets: ['v1', 'v2'], other: { v2: { state: 'available' } } });
    await publish(v1);
    await publishContract(bus.js, bus.topology.statusSubject('nodev2'), CONTRACTS.nodeStatusV2, v2);
    await seen('nodev1', (s) => s.version === 3);
    await seen('nodev2', (s) => s.version === 3);
    for (const path of ['zones', 'zones/za/content', 'zones/zb/content', 'zones/nozone/content']) {
      const [a, b] = await Promise.all(['nodev1', 'nodev2'].map(async (n) => (await api.get(`/api2/json/nodes/${n}/sdn/${path}`).expect(200)).body.data));
      expect(b).toEqual(a);
    }
    expect((await api.get('/api2/json/nodes/nodev2/sdn/zones/za/content').expect(200)).body.data).toEqual([
      { vnet: 'v1', status: 'error', statusmsg: 'missing vmbr9' },
      { vnet: 'v2', status: 'available' },
    ]);
    const res = (await api.get('/api2/json/cluster/resources?type=sdn').expect(200)).body.data as { node: string; sdn: string; status: string }[];
    const of = (n: string) => res.filter((r) => r.node === n).map((r) => [r.sdn, r.status]);
    expect(of('nodev2')).toEqual(of('nodev1'));
    expect(of('nodev2')).toHaveLength(3);
    // A report that breaks v2's rules is ignored like a broken v1 one.
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      await bus.js.publish(bus.topology.statusSubject('nodev2'), JSON.stringify({ ...v2, version: 4, vnetsByZone: { za: { state: 'available', vnets: ['v1', 'v1'] } } }));
      await publishContract(bus.js, bus.topology.statusSubject('nodev2'), CONTRACTS.nodeStatusV2, { ...v2, version: 5 });
      await seen('nodev2', (s) => s.version === 5);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^ignoring status on .*nodev2.*lists vnet 'v1' more than once/));
    } finally {
      warn.mockRestore();
    }
  });
});
