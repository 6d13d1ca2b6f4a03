import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, type LabNode } from '@sdn/netns-lab';
import { dhcpNetnsPath, dhcpPortMac } from '@sdn/render';
import { AgentCluster, waitFor } from './agent-cluster';
import { BUSYBOX, dhcpDataplaneUnavailable, plugVm } from './dhcp-vm';

/**
 * DHCP in a VXLAN zone (no address on the nodes) on a real data plane:
 * three node namespaces with live agents, the REST API, config and IPAM
 * services. Each serving node's agent plugs a DHCP port (veth into the vnet
 * bridge, inner end in its own namespace) with an address the config
 * service reserved in the built-in IPAM, and runs Debian's dnsmasq there.
 * VMs are namespaces asking with busybox's udhcpc; the VXLAN floods their
 * broadcasts to every serving node, and all answer alike from the IPAM's
 * static entries.
 */
const reason = dhcpDataplaneUnavailable();
if (reason) console.log(`VXLAN DHCP data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2', 'node3'];
const PEERS = '192.168.0.1,192.168.0.2,192.168.0.3';
const ZONE = 'vxdhcp';
const VNET = 'vxdv';

interface Entry {
  zone: string;
  vnet?: string;
  ip: string;
  mac?: string;
  hostname?: string;
}

suite('DHCP in a VXLAN zone (a DHCP port per serving node, static entries from the IPAM)', () => {
  let cluster: AgentCluster;
  let script: string;
  let vmCount = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('dx', NODES, { ipam: true });
    script = join(cluster.lab.base, 'udhcpc-report.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip mask=$subnet router=$router dns=$dns mtu=$mtu"\nexit 0\n');
    chmodSync(script, 0o755);
    console.log(`lab + API + config + IPAM services + ${NODES.length} agents ready in ${Date.now() - t0} ms`);
  }, 120000);

  afterAll(() => cluster?.destroy(), 30000);

  const root = (node: string) => cluster.nodes[node].root;
  const netns = (node: string) => join(root(node), dhcpNetnsPath(ZONE));
  const dnsmasqPids = async (node: string) => (await exec('pgrep', ['-f', `dnsmasq.*--pid-file=${root(node)}`])).stdout.split('\n').filter(Boolean);
  const ipamEntries = async () => ((await cluster.api('GET', 'ipams/pve/status')) as Entry[]).filter((e) => e.zone === ZONE);
  const portEntry = (entries: Entry[], node: string) => entries.find((e) => e.mac?.toLowerCase() === dhcpPortMac(ZONE, VNET, node) && e.hostname === `dhcp-port-${node}`);
  /**
   * The port's global IPv4 addresses and MAC, read in the network namespace
   * of the node's dnsmasq (the namespace file is bound in the agent's mount
   * namespace, not in this process's).
   */
  const portAddresses = async (node: string) => {
    const [pid] = await dnsmasqPids(node);
    if (!pid) return [];
    const r = await exec('nsenter', ['-t', pid, '-n', 'ip', '-j', 'addr', 'show', 'dev', VNET]);
    if (r.code !== 0) return [];
    const [dev] = JSON.parse(r.stdout) as { address: string; addr_info: { family: string; local: string; prefixlen: number }[] }[];
    return dev.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen} ${dev.address}`);
  };
  const ethers = async (node: string) => (await exec('cat', [join(root(node), 'etc/dnsmasq.d', ZONE, 'ethers')])).stdout;

  /** A VM namespace plugged into the vnet on `node` with `mac`, asking once for a lease. */
  async function dhcpVm(node: LabNode, mac: string): Promise<{ ok: boolean; ip?: string; router?: string; dns?: string; mtu?: string; out: string }> {
    const n = ++vmCount;
    const ns = await plugVm(cluster.lab, node, VNET, `vm${n}`, `veth${900 + n}i0`, mac);
    const r = await exec('ip', ['netns', 'exec', ns, BUSYBOX, 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '5', '-T', '1', '-A', '1', '-O', 'mtu', '-s', script], { timeoutMs: 30000 });
    const out = r.stdout + r.stderr;
    const m = /LEASE ip=(\S*) mask=\S* router=(\S*) dns=(\S*) mtu=(\S*)/.exec(out);
    return m ? { ok: r.code === 0, ip: m[1], router: m[2], dns: m[3], mtu: m[4], out } : { ok: false, out };
  }

  it('refuses dhcp-nodes outside the zone nodes with a 400 on the field, and creates nothing', async () => {
    const bad = await cluster.cp.request('POST', 'cluster/sdn/zones', { zone: ZONE, type: 'vxlan', peers: PEERS, ipam: 'pve', dhcp: 'dnsmasq', nodes: 'node1,node2,node3', 'dhcp-nodes': 'node1,node9' }, { form: true });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ data: null, errors: { 'dhcp-nodes': "DHCP nodes node9 are not in the zone's nodes" } });
    expect((await cluster.cp.request('GET', `cluster/sdn/zones/${ZONE}`)).status).not.toBe(200);
  });

  it('applies a VXLAN zone with dhcp: each node gets a port in its own namespace with an IPAM-reserved address, and one dnsmasq there', async () => {
    await cluster.create([
      ['zones', { zone: ZONE, type: 'vxlan', peers: PEERS, ipam: 'pve', dhcp: 'dnsmasq', nodes: 'node1,node2,node3' }],
      ['vnets', { vnet: VNET, zone: ZONE, tag: 60000 }],
      ['vnets/vxdv/subnets', { subnet: '10.60.0.0/24', type: 'subnet', gateway: '10.60.0.1', 'dhcp-dns-server': '10.60.0.53' }],
    ]);
    const t0 = Date.now();
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    const entries = await waitFor('a port address per node in the IPAM', async () => {
      const e = await ipamEntries();
      return NODES.every((n) => portEntry(e, n)) ? e : null;
    }, 20000);
    const portIps = NODES.map((n) => portEntry(entries, n)!.ip);
    expect(new Set(portIps).size).toBe(3);
    for (const [i, node] of NODES.entries()) {
      await waitFor(`port of ${node} addressed`, async () => (await portAddresses(node)).includes(`${portIps[i]}/24 ${dhcpPortMac(ZONE, VNET, node)}`), 20000);
      await waitFor(`dnsmasq on ${node}`, async () => (await dnsmasqPids(node)).length === 1, 20000);
      // No address of the zone on the node itself: the bridge and the outer end carry none.
      const onNode = await exec('ip', ['-n', cluster.nodes[node].ns, '-4', '-o', 'addr', 'show']);
      expect(onNode.stdout).not.toContain('10.60.0.');
    }
    console.log(`apply -> ports addressed and dnsmasq running on ${NODES.length} nodes in ${Date.now() - t0} ms; port addresses ${portIps.join(', ')}`);
  }, 120000);

  it('a MAC given an address through POST /ips gets exactly that address, on whichever node it starts', async () => {
    const mac = 'bc:24:11:dd:60:01';
    await cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, ip: '10.60.0.42', mac });
    for (const node of NODES) await waitFor(`entry on ${node}`, async () => (await ethers(node)).includes(`${mac},10.60.0.42\n`), 15000);
    for (const node of NODES) {
      const lease = await dhcpVm(cluster.nodes[node], mac);
      expect([node, lease.ok, lease.ip, lease.router, lease.dns, lease.mtu]).toEqual([node, true, '10.60.0.42', '10.60.0.1', '10.60.0.53', '1450']);
    }
  }, 120000);

  it('two VMs started on every node at once get distinct addresses, each the one the IPAM gave its MAC, none a port address', async () => {
    const macs = Array.from({ length: 2 * NODES.length }, (_, i) => `bc:24:11:ee:60:${String(i + 10).padStart(2, '0')}`);
    const recs = (await Promise.all(macs.map((mac, i) => cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, mac, hostname: `par${i}` })))) as { ip: string }[];
    const want = Object.fromEntries(macs.map((mac, i) => [mac, recs[i].ip]));
    const ports = (await ipamEntries()).filter((e) => e.hostname?.startsWith('dhcp-port-')).map((e) => e.ip);
    expect(ports).toHaveLength(3);
    for (const ip of Object.values(want)) expect(ports).not.toContain(ip);
    for (const node of NODES) {
      await waitFor(`entries on ${node}`, async () => {
        const lines = (await ethers(node)).split('\n');
        return macs.every((m) => lines.includes(`${m},${want[m]}`));
      }, 15000);
    }
    const t0 = Date.now();
    const leases = await Promise.all(macs.map((mac, i) => dhcpVm(cluster.nodes[NODES[i % NODES.length]], mac)));
    console.log(`${macs.length} VMs (2 per node) leased at once in ${Date.now() - t0} ms`);
    const got = Object.fromEntries(macs.map((mac, i) => [mac, leases[i].ip]));
    expect(got).toEqual(want);
    expect(new Set(Object.values(got)).size).toBe(macs.length);
  }, 120000);

  it('with a dhcp-range, unknown MACs started on every node at once get distinct range addresses: each DISCOVER reaches every serving node, the IPAM gives one address per MAC', async () => {
    await cluster.api('PUT', `vnets/${VNET}/subnets/${ZONE}-10.60.0.0-24`, { 'dhcp-range': 'start-address=10.60.0.100,end-address=10.60.0.119' });
    const macs = Array.from({ length: 2 * NODES.length }, (_, i) => `bc:24:11:ee:61:${String(i + 10).padStart(2, '0')}`);
    const t0 = Date.now();
    const leases = await Promise.all(macs.map((mac, i) => dhcpVm(cluster.nodes[NODES[i % NODES.length]], mac)));
    console.log(`${macs.length} unknown MACs (2 per node) leased from the range at once in ${Date.now() - t0} ms`);
    const ips = leases.map((l) => l.ip);
    expect(ips.every((ip) => ip && /^10\.60\.0\.1[01]\d$/.test(ip))).toBe(true);
    expect(new Set(ips).size).toBe(macs.length);
    // Three nodes reported each MAC: still one address each in the IPAM, the one the VM got.
    const entries = await ipamEntries();
    expect(Object.fromEntries(macs.map((m) => [m, entries.filter((e) => e.mac === m).map((e) => e.ip)]))).toEqual(Object.fromEntries(macs.map((m, i) => [m, [ips[i]]])));
  }, 120000);

  it('dhcp-nodes narrows the serving nodes: the others drop their port, namespace and address; a VM on a non-serving node is served over VXLAN', async () => {
    await cluster.api('PUT', `zones/${ZONE}`, { 'dhcp-nodes': 'node1' });
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    for (const node of ['node2', 'node3']) {
      await waitFor(`dnsmasq stopped on ${node}`, async () => (await dnsmasqPids(node)).length === 0, 20000);
      expect(existsSync(netns(node))).toBe(false);
      expect((await exec('ip', ['-n', cluster.nodes[node].ns, 'link', 'show', 'dev', `dhcp_${VNET}`])).code).not.toBe(0);
    }
    const entries = await waitFor('the other ports released', async () => {
      const e = await ipamEntries();
      return !portEntry(e, 'node2') && !portEntry(e, 'node3') ? e : null;
    }, 20000);
    expect(portEntry(entries, 'node1')).toBeDefined();
    expect(await dnsmasqPids('node1')).toHaveLength(1);
    const lease = await dhcpVm(cluster.nodes.node3, 'bc:24:11:dd:60:01');
    expect([lease.ok, lease.ip]).toEqual([true, '10.60.0.42']);
  }, 120000);

  it('a deleted subnet: the next apply releases its DHCP port, so the built-in IPAM can drop the subnet (its gateway entry goes with it)', async () => {
    for (const e of (await ipamEntries()).filter((x) => x.mac?.startsWith('bc:24:11'))) await cluster.api('DELETE', `vnets/${VNET}/ips`, { zone: ZONE, ip: e.ip, mac: e.mac! });
    await cluster.api('DELETE', `vnets/${VNET}/subnets/${ZONE}-10.60.0.0-24`);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    await waitFor('no entry of the subnet left in the IPAM', async () => (await ipamEntries()).length === 0, 30000);
    await waitFor('no dnsmasq without a subnet to serve', async () => (await dnsmasqPids('node1')).length === 0, 20000);
    expect((await exec('ip', ['-n', cluster.nodes.node1.ns, 'link', 'show', 'dev', `dhcp_${VNET}`])).code).not.toBe(0);
  }, 120000);
});
