import { existsSync } from 'node:fs';
import type { RunningConfig } from '@sdn/model';
import type { NodeBundleFiles } from '@sdn/render';
import { dataplaneUnavailable, exec, pingUntil, PrivateNatsServer } from '@sdn/netns-lab';
import { AgentCluster } from './agent-cluster';

/**
 * EVPN on a real data plane: two nodes with FRR (zebra, bgpd, bfdd) in
 * their namespaces (recipe ../shared/e2e/frr.sh), the agents apply both the
 * interfaces and frr.conf and reload FRR with frr-reload.py. Until FRR
 * has learnt the other VTEP (type-3 route) the VMs cannot reach each other.
 */
const reason =
  dataplaneUnavailable() ??
  (PrivateNatsServer.binary() ? null : 'nats-server is not installed') ??
  (existsSync('/usr/lib/frr/frr-reload.py') && existsSync('/usr/lib/frr/bgpd') ? null : 'FRR (frr, frr-pythontools) is not installed');
if (reason) console.log(`EVPN data-plane test skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];

const config: RunningConfig = {
  version: 1,
  zones: { ids: { evz: { type: 'evpn', controller: 'evctl', 'vrf-vxlan': 10000, mac: 'BC:24:11:00:00:01', mtu: 1450, ipam: 'pve' } } },
  vnets: { ids: { evnet1: { type: 'vnet', zone: 'evz', tag: 11000 } } },
  controllers: { ids: { evctl: { type: 'evpn', asn: 65000, peers: '192.168.0.1,192.168.0.2' } } },
};

/**
 * This kernel has no VRF devices, so the zone's L3 part (vrf_<zone>, its
 * VRF bridge and VXLAN, `vrf` options, FRR's vrf blocks) is cut from the
 * rendered files: what remains is PVE's L2 EVPN layout, as in frr.sh.
 */
export function withoutVrf(files: NodeBundleFiles): NodeBundleFiles {
  const stanzas = files.interfaces.split('\n\n').filter((b) => !/^auto (vrf_|vrfbr_|vrfvx_)/m.test(b));
  const interfaces = stanzas.map((b) => b.split('\n').filter((l) => !/^\s+vrf\s/.test(l)).join('\n')).join('\n\n');
  const frr = files.frr
    ?.replace(/^vrf vrf_\S+\n(?:.*\n)*?exit-vrf\n!\n/m, '')
    .replace(/^router bgp \d+ vrf \S+\n(?:.*\n)*?exit\n!\n/m, '');
  return frr === undefined ? { interfaces } : { interfaces, frr };
}

suite('EVPN with FRR in node namespaces', () => {
  let cluster: AgentCluster;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('ne', NODES, { frr: true });
    console.log(`EVPN lab (2 nodes, FRR, agents) ready in ${Date.now() - t0} ms`);
  }, 90000);
  afterAll(() => cluster?.destroy(), 30000);

  it('agents apply interfaces and frr.conf; BGP EVPN comes up and vm1 pings vm2', async () => {
    const { lab, driver, nodes } = cluster;
    const bundles = await driver.applyConfig(config, NODES, (_node, files) => withoutVrf(files));
    expect(bundles.node1.files.frr).toMatch(/advertise-all-vni/);
    expect(bundles.node1.files.frr).not.toMatch(/vrf/);
    for (const node of NODES) await driver.waitStatus(node, (s) => s.version === 1 && s.apply.state === 'applied' && s.vnets.evnet1?.state === 'available', 40000);

    const running = await lab.vtysh(nodes.node1, 'show running-config');
    expect(running).toMatch(/neighbor 192\.168\.0\.2 peer-group VTEP/);
    let state = '';
    await driver.waitFor('BGP Established', async () => {
      const j = JSON.parse(await lab.vtysh(nodes.node1, 'show bgp l2vpn evpn summary json')) as { peers?: Record<string, { state: string }> };
      state = j.peers?.['192.168.0.2']?.state ?? '';
      return state === 'Established';
    }, 30000);
    console.log(`node1 BGP EVPN session to 192.168.0.2: ${state}`);

    // No static flood list: the interfaces file names no remote VTEP, FRR learns it (type-3 route)
    // and zebra installs the flood entry.
    expect(bundles.node1.files.interfaces).not.toMatch(/remoteip/);
    await driver.waitFor('IMET route from node2', async () => /\[3\]:\[0\]:\[32\]:\[192\.168\.0\.2\]/.test(await lab.vtysh(nodes.node1, 'show bgp l2vpn evpn route type multicast')), 20000);
    const fdb = (await exec('ip', ['netns', 'exec', nodes.node1.ns, 'bridge', 'fdb', 'show', 'dev', 'vxlan_evnet1'])).stdout;
    expect(fdb).toMatch(/00:00:00:00:00:00 dst 192\.168\.0\.2/);

    await lab.addVm('vm1', nodes.node1, 'evnet1', '10.0.5.101/24', 101, { mtu: 1450 });
    await lab.addVm('vm2', nodes.node2, 'evnet1', '10.0.5.102/24', 102, { mtu: 1450 });
    const p = await pingUntil(lab.ns('vm1'), '10.0.5.102', 20000);
    console.log(`vm1 (node1) -> vm2 (node2) over EVPN evnet1 (VNI 11000):\n${p.output}`);
    expect(p.ok).toBe(true);
  });
});
