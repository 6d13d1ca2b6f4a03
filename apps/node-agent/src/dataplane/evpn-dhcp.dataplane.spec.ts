import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataplaneUnavailable, exec, must, PrivateNatsServer, type LabNode } from '@sdn/netns-lab';
import { AgentCluster, waitFor } from './agent-cluster';

/**
 * DHCP in an EVPN zone (our extension: the anycast gateway is on every
 * node): two nodes with FRR as in evpn.dataplane.spec (VRF stand-in), the
 * IPAM service, a dnsmasq per node on the vnet bridge. A MAC given an
 * address through POST /ips gets exactly that address on either node.
 */
const DNSMASQ = '/usr/sbin/dnsmasq';
const BUSYBOX = '/usr/bin/busybox';
const reason =
  dataplaneUnavailable() ??
  (PrivateNatsServer.binary() ? null : 'nats-server is not installed') ??
  (existsSync('/usr/lib/frr/frr-reload.py') && existsSync('/usr/lib/frr/bgpd') ? null : 'FRR (frr, frr-pythontools) is not installed') ??
  (existsSync(DNSMASQ) ? null : 'dnsmasq is not installed (dnsmasq-base)') ??
  (existsSync(BUSYBOX) ? null : 'busybox is not installed (udhcpc)');
if (reason) console.log(`EVPN DHCP data-plane test skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];

suite('DHCP in an EVPN zone (dnsmasq per node behind the anycast gateway)', () => {
  let cluster: AgentCluster;
  let script: string;
  let n = 0;

  beforeAll(async () => {
    cluster = await AgentCluster.start('ed', NODES, { frr: true, vrfStandIn: true, ipam: true });
    script = join(cluster.lab.base, 'udhcpc-report.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip mask=$subnet router=$router mtu=$mtu"\nexit 0\n');
    chmodSync(script, 0o755);
  }, 120000);
  afterAll(() => cluster?.destroy(), 30000);

  async function lease(node: LabNode, mac: string): Promise<string> {
    const ns = await cluster.lab.addNamespace(`vm${++n}`);
    const port = `veth${800 + n}i0`;
    await must('ip', ['link', 'add', 'name', 'eth0', 'netns', ns, 'address', mac, 'mtu', '1450', 'type', 'veth', 'peer', 'name', port, 'netns', node.ns]);
    await must('ip', ['-n', node.ns, 'link', 'set', port, 'mtu', '1450', 'master', 'evnet1', 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    const r = await exec('ip', ['netns', 'exec', ns, BUSYBOX, 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '4', '-T', '1', '-A', '1', '-O', 'mtu', '-s', script], { timeoutMs: 30000 });
    const m = /LEASE (.*)/.exec(r.stdout + r.stderr);
    // Down again: the next VM with the same MAC is the same guest started elsewhere.
    await must('ip', ['-n', node.ns, 'link', 'del', port]);
    return m ? m[1] : `no lease (rc ${r.code}): ${(r.stdout + r.stderr).slice(-300)}`;
  }

  it('a MAC given an address through POST /ips gets it, with the anycast gateway and the zone MTU, on either node', async () => {
    await cluster.create([
      ['controllers', { controller: 'evctl', type: 'evpn', asn: 65000, peers: '192.168.0.1,192.168.0.2' }],
      ['zones', { zone: 'evpnzn', type: 'evpn', controller: 'evctl', 'vrf-vxlan': 10000, mac: 'BC:24:11:00:00:01', mtu: 1450, ipam: 'pve', dhcp: 'dnsmasq' }],
      ['vnets', { vnet: 'evnet1', zone: 'evpnzn', tag: 11000 }],
      ['vnets/evnet1/subnets', { subnet: '10.0.5.0/24', type: 'subnet', gateway: '10.0.5.1' }],
    ]);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    for (const node of NODES) {
      expect(readFileSync(join(cluster.nodes[node].root, 'etc/dnsmasq.d/evpnzn/00-default.conf'), 'utf8')).toContain('dhcp-option=26,1450\n');
    }
    await cluster.api('POST', 'vnets/evnet1/ips', { zone: 'evpnzn', ip: '10.0.5.77', mac: 'bc:24:11:ed:00:01' });
    for (const node of NODES) {
      const ethers = join(cluster.nodes[node].root, 'etc/dnsmasq.d/evpnzn/ethers');
      await waitFor(`entry on ${node}`, async () => existsSync(ethers) && readFileSync(ethers, 'utf8').includes('bc:24:11:ed:00:01,10.0.5.77\n'), 20000);
    }
    expect(await lease(cluster.nodes.node1, 'bc:24:11:ed:00:01')).toBe('ip=10.0.5.77 mask=255.255.255.0 router=10.0.5.1 mtu=1450');
    expect(await lease(cluster.nodes.node2, 'bc:24:11:ed:00:01')).toBe('ip=10.0.5.77 mask=255.255.255.0 router=10.0.5.1 mtu=1450');
  }, 150000);
});
