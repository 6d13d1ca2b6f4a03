import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { as, createPrincipal } from '../testing/access';
import { startTestApi, type TestApi } from '../testing/test-app';

/**
 * The live per-node endpoints over a real (isolated) NATS: the API asks, real
 * node agent processes answer. FRR does not run in this test, so the live
 * agent's `vtysh` is a script printing what FRR prints for these commands
 * (and reloads are `true`); the EVPN data-plane test asks a real FRR.
 */
describe('node queries: zone bridges, ip-vrf, mac-vrf', () => {
  let bus: IsolatedBus;
  let api: TestApi;
  let dir: string;
  const agents: ChildProcess[] = [];
  const repo = resolve(__dirname, '../../../..');
  const agent = (node: string, mode: 'live' | 'safe') => {
    const env = {
      ...process.env,
      SDN_NODE_NAME: node,
      SDN_AGENT_MODE: mode,
      SDN_AGENT_ROOT: join(dir, node),
      SDN_BUS_NAMESPACE: bus.topology.namespace,
      SDN_AGENT_KERNEL_FACTS: '0',
      SDN_AGENT_IFRELOAD: 'true',
      SDN_AGENT_IFQUERY: 'true',
      SDN_AGENT_FRR_RELOAD: '',
      SDN_AGENT_FRR_RESTART: 'true',
      SDN_AGENT_VTYSH: join(dir, 'vtysh'),
    };
    agents.push(spawn(process.execPath, ['-r', join(repo, 'tools/register.js'), join(repo, 'apps/node-agent/src/main.ts')], { env, stdio: 'ignore' }));
  };
  /** Until the agent has subscribed: before that NATS has no responder for its subject. */
  const answering = async (node: string) => {
    const end = Date.now() + 30_000;
    while ((await api.get(`/api2/json/nodes/${node}/sdn/zones/ze/ip-vrf`)).status === 503) {
      if (Date.now() > end) throw new Error(`agent of ${node} never answered`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'node-queries-'));
    const macs = { '[2]:[0]:[48]:[bc:24:11:00:00:01]:[32]:[10.1.0.5]': { paths: [[{ valid: true, bestpath: true, mac: 'bc:24:11:00:00:01', ip: '10.1.0.5', nexthops: [{ ip: '192.168.0.3' }] }]] }, numPrefix: 1 };
    const routes = { '10.1.0.0/24': [{ prefix: '10.1.0.0/24', protocol: 'connected', metric: 0, installed: true, nexthops: [{ interfaceName: 'vnet1' }] }] };
    // FRR 8.4.4's answers in a two-node OpenFabric/OSPF fabric (fabric-status.spec.ts has them in full).
    const hop = (ip: string, dev: string) => ({ ip, afi: 'ipv4', interfaceName: dev, active: true, fib: true });
    const fabricOut: Record<string, unknown> = {
      'show ip route openfabric json': { '10.77.0.2/32': [{ prefix: '10.77.0.2/32', protocol: 'openfabric', installed: true, nexthops: [hop('10.77.0.2', 'a1')] }] },
      'show ipv6 route openfabric json': {},
      'show openfabric neighbor detail json': { areas: [{ area: 'of1', circuits: [{ circuit: 0 }, { circuit: 0, adj: 'node2', interface: { name: 'a1', state: 'Up', 'last-ago': '10s' } }] }] },
      'show openfabric interface json': { areas: [{ area: 'of1', circuits: [{ circuit: 0, interface: { name: 'a1', state: 'Up', type: 'p2p' } }] }] },
      'show ip route ospf json': { '10.78.0.2/32': [{ prefix: '10.78.0.2/32', protocol: 'ospf', installed: true, nexthops: [hop('10.78.0.2', 'a3')] }], '10.77.0.2/32': [{ installed: true, nexthops: [hop('10.77.0.2', 'a1')] }] },
      'show ip ospf neighbor json': { neighbors: { '10.78.0.2': [{ nbrState: 'Full/-', upTime: '5.499s', ifaceAddress: '10.78.0.2', ifaceName: 'a3:10.78.0.1' }] } },
      'show ip ospf interface json': { interfaces: { a3: { ifUp: true, networkType: 'POINTOPOINT' }, a1: { ifUp: true, networkType: 'POINTOPOINT' } } },
    };
    const fabricCases = Object.entries(fabricOut)
      .map(([c, out]) => `  '${c}') echo '${JSON.stringify(out)}';;\n`)
      .join('');
    writeFileSync(
      join(dir, 'vtysh'),
      `#!/bin/sh\n[ "$1" = -c ] || exit 2\ncase "$2" in\n  'show bgp l2vpn evpn route vni 100 type 2 json') echo '${JSON.stringify(macs)}';;\n  'show ip route vrf vrf_ze json') echo '${JSON.stringify(routes)}';;\n${fabricCases}  *) echo "unknown command: $2" >&2; exit 1;;\nesac\n`,
    );
    chmodSync(join(dir, 'vtysh'), 0o755);
    bus = await isolatedBus({ name: 'api-node-queries-spec' });
    api = await startTestApi({ nats: true, busNamespace: bus.topology.namespace });
    agent('node1', 'live');
    agent('node2', 'safe');
    await api.post('controllers', { controller: 'ctl', type: 'evpn', asn: 65000, peers: '192.168.0.1,192.168.0.3' }).expect(200);
    await api.post('zones', { zone: 'ze', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 10000 }).expect(200);
    await api.post('zones', { zone: 'zn', type: 'evpn', controller: 'ctl', 'vrf-vxlan': 10001, nodes: 'node9' }).expect(200);
    await api.post('zones', { zone: 'zs', type: 'simple' }).expect(200);
    await api.post('vnets', { vnet: 'vnet1', zone: 'ze', tag: 100 }).expect(200);
    await api.post('vnets', { vnet: 'vnet2', zone: 'zn', tag: 200 }).expect(200);
    await api.post('vnets', { vnet: 'vnet3', zone: 'zs' }).expect(200);
    await api.post('fabrics/fabric', { id: 'of1', protocol: 'openfabric', ip_prefix: '10.77.0.0/24' }).expect(200);
    await api.post('fabrics/node/of1', { node_id: 'node1', protocol: 'openfabric', ip: '10.77.0.1', interfaces: ['name=a1'] }).expect(200);
    await api.post('fabrics/fabric', { id: 'os1', protocol: 'ospf', area: '0', ip_prefix: '10.78.0.0/24' }).expect(200);
    await api.post('fabrics/node/os1', { node_id: 'node1', protocol: 'ospf', ip: '10.78.0.1', interfaces: ['name=a3'] }).expect(200);
    await api.put('/api2/json/cluster/sdn', {}).expect(200);
    await api.post('fabrics/fabric', { id: 'pendf', protocol: 'openfabric', ip_prefix: '10.79.0.0/24' }).expect(200); // pending only
    await api.post('vnets', { vnet: 'pend', zone: 'ze', tag: 300 }).expect(200); // pending only
    await answering('node1');
    await answering('node2');
  });
  afterAll(async () => {
    for (const a of agents) a.kill('SIGTERM');
    await api?.close();
    await bus?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers from the node's FRR: the vnet's MAC/IP routes and the zone's VRF routes", async () => {
    expect((await api.get('/api2/json/nodes/node1/sdn/vnets/vnet1/mac-vrf').expect(200)).body.data).toEqual([{ ip: '10.1.0.5', mac: 'bc:24:11:00:00:01', nexthop: '192.168.0.3' }]);
    expect((await api.get('/api2/json/nodes/node1/sdn/zones/ze/ip-vrf').expect(200)).body.data).toEqual([{ ip: '10.1.0.0/24', metric: 0, protocol: 'connected', nexthops: ['vnet1'] }]);
    expect((await api.get('/api2/json/nodes/node1/sdn/vnets/vnet1').expect(200)).body.data).toEqual([{ subdir: 'mac-vrf' }]);
  });

  it("answers a fabric's routes, neighbors and interfaces from the node's FRR, by protocol, cut to the fabric", async () => {
    const get = async (path: string) => (await api.get(`/api2/json/nodes/node1/sdn/fabrics/${path}`).expect(200)).body.data;
    expect(await get('of1')).toEqual([{ subdir: 'routes' }, { subdir: 'neighbors' }, { subdir: 'interfaces' }]);
    expect(await get('of1/routes')).toEqual([{ route: '10.77.0.2/32', via: ['10.77.0.2'] }]);
    expect(await get('of1/neighbors')).toEqual([{ neighbor: 'node2', status: 'Up', uptime: '10s' }]);
    expect(await get('of1/interfaces')).toEqual([{ name: 'a1', type: 'p2p', state: 'Up' }]);
    // OSPF's output names no fabric: only what goes through os1's interface on node1 (a3), not of1's (a1).
    expect(await get('os1/routes')).toEqual([{ route: '10.78.0.2/32', via: ['10.78.0.2'] }]);
    expect(await get('os1/neighbors')).toEqual([{ neighbor: '10.78.0.2', status: 'Full/-', uptime: '5.499s' }]);
    expect(await get('os1/interfaces')).toEqual([{ name: 'a3', type: 'POINTOPOINT', state: 'up' }]);
  });

  it('fabric state: a fabric only pending or unknown is refused; the fabric ACL path decides who may read', async () => {
    expect((await api.get('/api2/json/nodes/node1/sdn/fabrics/pendf/routes').expect(400)).body.errors).toEqual({ fabric: "fabric 'pendf' does not exist" });
    expect((await api.get('/api2/json/nodes/node1/sdn/fabrics/nope/neighbors').expect(400)).body.errors).toEqual({ fabric: "fabric 'nope' does not exist" });
    const auditor = await createPrincipal(api, 'fq@pve', 'ro', { userGrants: [{ path: '/sdn/fabrics/os1', role: 'PVEAuditor' }] });
    await as(api, auditor).get('/api2/json/nodes/node1/sdn/fabrics/of1/routes').expect(403);
    expect((await as(api, auditor).get('/api2/json/nodes/node1/sdn/fabrics/os1/interfaces').expect(200)).body.data).toHaveLength(1);
    // Hostile path values: a 4xx with a message, never a 5xx (the prototype's names are no fabric).
    for (const [node, fabric] of [['node1', '__proto__'], ['node1', 'constructor'], ['node1', 'x'.repeat(300)], ['node1', '%E2%80%AE'], ['node1', 'of1%00'], ['..', 'of1'], ['n%0Aode', 'of1']]) {
      const r = await api.get(`/api2/json/nodes/${node}/sdn/fabrics/${fabric}/routes`);
      expect([r.status, typeof r.body.message]).toEqual([400, 'string']);
    }
    const safe = await api.get('/api2/json/nodes/node2/sdn/fabrics/of1/routes').expect(502);
    expect(safe.body.message).toMatch(/safe mode/);
  });

  it("refuses with the reference's errors, judged on the running config", async () => {
    const err = async (path: string) => (await api.get(path).expect(400)).body.errors;
    expect(await err('/api2/json/nodes/node1/sdn/vnets/pend/mac-vrf')).toEqual({ vnet: 'vnet does not exist' });
    expect(await err('/api2/json/nodes/node1/sdn/vnets/vnet3/mac-vrf')).toEqual({ zone: 'zone zs is not an EVPN zone.' });
    expect(await err('/api2/json/nodes/node1/sdn/vnets/vnet2/mac-vrf')).toEqual({ zone: 'zone zn of vnet vnet2 does not exist on node node1' });
    expect(await err('/api2/json/nodes/node1/sdn/zones/nope/ip-vrf')).toEqual({ zone: 'zone does not exist' });
    expect(await err('/api2/json/nodes/node1/sdn/zones/zs/ip-vrf')).toEqual({ zone: 'zone is not an EVPN zone' });
    expect(await err('/api2/json/nodes/node1/sdn/zones/zn/ip-vrf')).toEqual({ zone: 'zone does not exist on node node1' });
    expect(await err('/api2/json/nodes/node1/sdn/zones/nope/bridges')).toEqual({ zone: 'zone does not exist' });
  });

  it('says when the node cannot answer: no agent, an agent in safe mode', async () => {
    const none = await api.get('/api2/json/nodes/node7/sdn/zones/ze/ip-vrf').expect(503);
    expect(none.body.message).toMatch(/node 'node7' is not reachable/);
    const safe = await api.get('/api2/json/nodes/node2/sdn/zones/ze/ip-vrf').expect(502);
    expect(safe.body.message).toMatch(/safe mode/);
  });

  it('bridges: only the vnets of the zone, each only to who may see it', async () => {
    // This machine has no bridge called vnet1/pend: the agent reports what exists (nothing).
    expect((await api.get('/api2/json/nodes/node1/sdn/zones/ze/bridges').expect(200)).body.data).toEqual([]);
    const auditor = await createPrincipal(api, 'nq@pve', 'ro', { userGrants: [{ path: '/sdn/zones/zs', role: 'PVESDNAdmin' }] });
    await as(api, auditor).get('/api2/json/nodes/node1/sdn/zones/ze/ip-vrf').expect(403);
    await as(api, auditor).get('/api2/json/nodes/node1/sdn/vnets/vnet1/mac-vrf').expect(403);
  });
});
