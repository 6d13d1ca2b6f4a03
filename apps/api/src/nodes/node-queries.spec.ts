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
    writeFileSync(
      join(dir, 'vtysh'),
      `#!/bin/sh\n[ "$1" = -c ] || exit 2\ncase "$2" in\n  'show bgp l2vpn evpn route vni 100 type 2 json') echo '${JSON.stringify(macs)}';;\n  'show ip route vrf vrf_ze json') echo '${JSON.stringify(routes)}';;\n  *) echo "unknown command: $2" >&2; exit 1;;\nesac\n`,
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
    await api.put('/api2/json/cluster/sdn', {}).expect(200);
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
