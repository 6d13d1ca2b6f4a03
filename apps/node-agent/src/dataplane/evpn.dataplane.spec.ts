import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataplaneUnavailable, exec, pingUntil, PrivateNatsServer } from '@sdn/netns-lab';
import { AgentCluster, waitFor } from './agent-cluster';

/**
 * EVPN on a real data plane, driven through the REST API: two nodes with
 * FRR (zebra, bgpd, bfdd) in their namespaces (recipe
 * ../shared/e2e/frr.sh); the config service renders interfaces and
 * frr.conf, the agents apply both and reload FRR with frr-reload.py. Until
 * FRR has learnt the other VTEP (type-3 route) the VMs cannot reach each
 * other. This kernel has no VRF devices: ifupdown2 sees the zone's VRF as
 * a plain bridge (VRF_STAND_IN of @sdn/netns-lab), the L2 VNI is real.
 */
const reason =
  dataplaneUnavailable() ??
  (PrivateNatsServer.binary() ? null : 'nats-server is not installed') ??
  (existsSync('/usr/lib/frr/frr-reload.py') && existsSync('/usr/lib/frr/bgpd') ? null : 'FRR (frr, frr-pythontools) is not installed');
if (reason) console.log(`EVPN data-plane test skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];

suite('EVPN with FRR in node namespaces, driven through the REST API', () => {
  let cluster: AgentCluster;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('ne', NODES, { frr: true, vrfStandIn: true });
    console.log(`EVPN lab (2 nodes, FRR, agents, API + config service) ready in ${Date.now() - t0} ms`);
  }, 90000);
  afterAll(() => cluster?.destroy(), 30000);

  it('an EVPN zone created over REST is applied with frr.conf; BGP EVPN comes up and vm1 pings vm2', async () => {
    const { lab, nodes } = cluster;
    await cluster.create([
      ['controllers', { controller: 'evctl', type: 'evpn', asn: 65000, peers: '192.168.0.1,192.168.0.2' }],
      ['zones', { zone: 'evpnzn', type: 'evpn', controller: 'evctl', 'vrf-vxlan': 10000, mac: 'BC:24:11:00:00:01', mtu: 1450 }],
      ['vnets', { vnet: 'evnet1', zone: 'evpnzn', tag: 11000 }],
    ]);
    const { task } = await cluster.apply();
    const view = await cluster.waitApplied(task, 40000);
    console.log(`PUT /cluster/sdn -> ${task}: ${view.nodes.map((n) => `${n.node} ${n.state}${n.message ? ` (${n.message})` : ''}`).join('; ')}`);
    for (const node of NODES) await cluster.waitStatus(node, (s) => s.vnets.evnet1?.state === 'available');

    // The agent wrote the product's full layout, VRF included; only ifupdown2's view of it is adapted.
    const sdnFile = readFileSync(join(nodes.node1.root, 'etc/network/interfaces.d/sdn'), 'utf8');
    expect(sdnFile).toMatch(/iface vrf_evpnzn\n\tvrf-table auto\n/);
    const frrConf = readFileSync(join(nodes.node1.root, 'etc/frr/frr.conf'), 'utf8');
    expect(frrConf).toMatch(/advertise-all-vni/);
    expect(frrConf).toMatch(/^vrf vrf_evpnzn\n vni 10000\n/m);
    const running = await lab.vtysh(nodes.node1, 'show running-config');
    expect(running).toMatch(/neighbor 192\.168\.0\.2 peer-group VTEP/);
    let state = '';
    await waitFor('BGP Established', async () => {
      const j = JSON.parse(await lab.vtysh(nodes.node1, 'show bgp l2vpn evpn summary json')) as { peers?: Record<string, { state: string }> };
      state = j.peers?.['192.168.0.2']?.state ?? '';
      return state === 'Established';
    }, 30000);
    console.log(`node1 BGP EVPN session to 192.168.0.2: ${state}`);

    // No static flood list: the interfaces file names no remote VTEP, FRR learns it (type-3 route)
    // and zebra installs the flood entry.
    expect(sdnFile).not.toMatch(/remoteip/);
    await waitFor('IMET route from node2', async () => /\[3\]:\[0\]:\[32\]:\[192\.168\.0\.2\]/.test(await lab.vtysh(nodes.node1, 'show bgp l2vpn evpn route type multicast')), 20000);
    const fdb = (await exec('ip', ['netns', 'exec', nodes.node1.ns, 'bridge', 'fdb', 'show', 'dev', 'vxlan_evnet1'])).stdout;
    expect(fdb).toMatch(/00:00:00:00:00:00 dst 192\.168\.0\.2/);

    await lab.addVm('vm1', nodes.node1, 'evnet1', '10.0.5.101/24', 101, { mtu: 1450 });
    await lab.addVm('vm2', nodes.node2, 'evnet1', '10.0.5.102/24', 102, { mtu: 1450 });
    const p = await pingUntil(lab.ns('vm1'), '10.0.5.102', 20000);
    console.log(`vm1 (node1) -> vm2 (node2) over EVPN evnet1 (VNI 11000):\n${p.output}`);
    expect(p.ok).toBe(true);

    // GET /nodes/{node}/sdn/vnets/{vnet}/mac-vrf asks node1's FRR through its agent: vm2's MAC,
    // learnt on node2, is a type-2 route with node2's VTEP as next hop.
    const links = JSON.parse((await exec('ip', ['-n', lab.ns('vm2'), '-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[];
    const vm2Mac = links[0].address;
    let macs: { mac: string; ip?: string; nexthop: string }[] = [];
    await waitFor('vm2 MAC in node1 mac-vrf', async () => {
      macs = (await cluster.cp.api('GET', 'nodes/node1/sdn/vnets/evnet1/mac-vrf')) as typeof macs;
      return macs.some((m) => m.mac === vm2Mac && m.nexthop === '192.168.0.2');
    }, 20000);
    console.log(`GET /nodes/node1/sdn/vnets/evnet1/mac-vrf: ${JSON.stringify(macs)}`);
    // This kernel has no VRF devices, so FRR may know no such VRF: then the node's own words come back (502).
    const routes = await cluster.cp.request('GET', 'nodes/node1/sdn/zones/evpnzn/ip-vrf');
    console.log(`GET /nodes/node1/sdn/zones/evpnzn/ip-vrf: HTTP ${routes.status} ${routes.text.slice(0, 500)}`);
    if (routes.status === 200) expect(Array.isArray(routes.data)).toBe(true);
    else expect(routes).toMatchObject({ status: 502, text: expect.stringMatching(/node 'node1': vtysh/) });
  });
});
