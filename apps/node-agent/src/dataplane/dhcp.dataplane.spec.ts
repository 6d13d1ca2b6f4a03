import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, type LabNode } from '@sdn/netns-lab';
import { AgentCluster, waitFor } from './agent-cluster';
import { BUSYBOX, dhcpDataplaneUnavailable, plugVm } from './dhcp-vm';

/**
 * DHCP in a simple zone on a real data plane: two node namespaces with live
 * agents, the REST API, config and IPAM services; the agents run Debian's
 * dnsmasq on the zone's vnet bridge; VMs are namespaces that ask for an
 * address with busybox's udhcpc. Addresses are given to MACs through
 * `POST /cluster/sdn/vnets/{vnet}/ips`, the IPAM being the only source.
 */
const reason = dhcpDataplaneUnavailable();
if (reason) console.log(`DHCP data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];
const ZONE = 'dhcpz';
const VNET = 'dvnet';
const STATIC_VNET = 'dvstat';

interface Lease {
  ok: boolean;
  ip?: string;
  mask?: string;
  router?: string;
  dns?: string;
  out: string;
}

suite('DHCP in a simple zone (dnsmasq per node, static entries from the IPAM)', () => {
  let cluster: AgentCluster;
  let script: string;
  let vmCount = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('dh', NODES, { ipam: true });
    // udhcpc calls this on `bound`: print what the server offered, configure nothing.
    script = join(cluster.lab.base, 'udhcpc-report.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip mask=$subnet router=$router dns=$dns"\nexit 0\n');
    chmodSync(script, 0o755);
    console.log(`lab + API + config + IPAM services + ${NODES.length} agents ready in ${Date.now() - t0} ms`);
  }, 120000);

  afterAll(() => cluster?.destroy(), 30000);

  const root = (node: string) => cluster.nodes[node].root;
  const ethers = (node: string) => readFileSync(join(root(node), 'etc/dnsmasq.d', ZONE, 'ethers'), 'utf8');
  const dnsmasqPid = async (node: string) => {
    const pids = (await exec('pgrep', ['-f', `dnsmasq.*--pid-file=${root(node)}`])).stdout.split('\n').filter(Boolean);
    // The unshare/sh wrapper execs into dnsmasq: one process per zone.
    return pids;
  };

  /** A VM namespace plugged into `vnet` on `node` with `mac`, asking once for a lease. */
  async function dhcpVm(node: LabNode, mac: string, vnet = VNET): Promise<Lease> {
    const n = ++vmCount;
    const ns = await plugVm(cluster.lab, node, vnet, `vm${n}`, `veth${900 + n}i0`, mac);
    // -n: fail when nobody answers; -q: quit once bound; 4 discovers 1 s apart.
    const r = await exec('ip', ['netns', 'exec', ns, BUSYBOX, 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '4', '-T', '1', '-A', '1', '-s', script], { timeoutMs: 30000 });
    const out = r.stdout + r.stderr;
    const m = /LEASE ip=(\S*) mask=(\S*) router=(\S*) dns=(\S*)/.exec(out);
    return m ? { ok: r.code === 0, ip: m[1], mask: m[2], router: m[3], dns: m[4], out } : { ok: false, out };
  }

  it('applies a zone with dhcp=dnsmasq: each node writes the reference layout and runs one dnsmasq', async () => {
    await cluster.create([
      ['zones', { zone: ZONE, type: 'simple', ipam: 'pve', dhcp: 'dnsmasq' }],
      ['vnets', { vnet: VNET, zone: ZONE }],
      ['vnets/dvnet/subnets', { subnet: '10.50.0.0/24', type: 'subnet', gateway: '10.50.0.1', 'dhcp-range': 'start-address=10.50.0.100,end-address=10.50.0.200', 'dhcp-dns-server': '10.50.0.53' }],
      // No dhcp-range: only MACs with an address in the IPAM get a lease there.
      ['vnets', { vnet: STATIC_VNET, zone: ZONE }],
      [`vnets/${STATIC_VNET}/subnets`, { subnet: '10.51.0.0/24', type: 'subnet', gateway: '10.51.0.1' }],
    ]);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    for (const node of NODES) {
      const dir = join(root(node), 'etc/dnsmasq.d', ZONE);
      expect(readFileSync(join(dir, '10-dvnet.conf'), 'utf8')).toBe(
        [
          'dhcp-range=set:dhcpz-10.50.0.0-24,10.50.0.0,static,255.255.255.0,infinite',
          'dhcp-option=tag:dhcpz-10.50.0.0-24,option:router,10.50.0.1',
          'dhcp-option=tag:dhcpz-10.50.0.0-24,option:dns-server,10.50.0.53',
          'interface=dvnet',
          '',
        ].join('\n'),
      );
      expect(readFileSync(join(dir, '00-default.conf'), 'utf8')).toContain(`dhcp-hostsfile=/etc/dnsmasq.d/${ZONE}/ethers\n`);
      await waitFor(`dnsmasq on ${node}`, async () => (await dnsmasqPid(node)).length === 1, 20000);
    }
  }, 120000);

  it('on a vnet without dhcp-range an unknown MAC gets no lease (static entries only, as the reference)', async () => {
    const lease = await dhcpVm(cluster.nodes.node1, 'bc:24:11:dd:00:99', STATIC_VNET);
    expect(lease.ip).toBeUndefined();
    expect(lease.ok).toBe(false);
    // Its node asked the IPAM, which has no range to give from (dhcp-lease.dataplane.spec: a vnet with one).
    expect(cluster.agentLog('node1')).toMatch(/lease discover bc:24:11:dd:00:99 not recorded: vnet 'dvstat' has no IPv4 subnet with a dhcp-range/);
  }, 60000);

  it('a MAC given an address through POST /ips gets exactly that address, on either node; the entry arrives by SIGHUP, not a restart', async () => {
    const before = { node1: await dnsmasqPid('node1'), node2: await dnsmasqPid('node2') };
    const t0 = Date.now();
    await cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, ip: '10.50.0.42', mac: 'BC:24:11:DD:00:01' });
    for (const node of NODES) await waitFor(`entry on ${node}`, async () => ethers(node).includes('bc:24:11:dd:00:01,10.50.0.42\n'), 15000);
    console.log(`POST /ips -> static entry on both nodes in ${Date.now() - t0} ms`);
    const l1 = await dhcpVm(cluster.nodes.node1, 'bc:24:11:dd:00:01');
    expect([l1.ok, l1.ip, l1.mask, l1.router, l1.dns]).toEqual([true, '10.50.0.42', '255.255.255.0', '10.50.0.1', '10.50.0.53']);
    const l2 = await dhcpVm(cluster.nodes.node2, 'bc:24:11:dd:00:01');
    expect([l2.ok, l2.ip]).toEqual([true, '10.50.0.42']);
    expect({ node1: await dnsmasqPid('node1'), node2: await dnsmasqPid('node2') }).toEqual(before);
    expect(cluster.agentLog('node1')).toMatch(/DHCP zone dhcpz: \d+ static entries, dnsmasq reloaded \(SIGHUP\)/);
  }, 90000);

  it('a MAC given the next free address (no ip) gets the address the IPAM chose', async () => {
    const rec = (await cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, mac: 'bc:24:11:dd:00:02', hostname: 'vm-two' })) as { ip: string };
    // POST /ips without ip (our extension) allocates as §6.7's next free: from the subnet's dhcp-range.
    expect(rec.ip).toMatch(/^10\.50\.0\.(1\d\d|200)$/);
    await waitFor('entry on node2', async () => ethers('node2').includes(`bc:24:11:dd:00:02,${rec.ip}\n`), 15000);
    const lease = await dhcpVm(cluster.nodes.node2, 'bc:24:11:dd:00:02');
    expect([lease.ok, lease.ip]).toEqual([true, rec.ip]);
  }, 60000);

  it('VMs started on every node at once get distinct addresses, each the one the IPAM gave its MAC', async () => {
    const macs = Array.from({ length: 6 }, (_, i) => `bc:24:11:ee:00:${String(i + 10).padStart(2, '0')}`);
    // Allocated concurrently, as guest starts on several nodes would ask.
    const recs = (await Promise.all(macs.map((mac, i) => cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, mac, hostname: `par${i}` })))) as { ip: string }[];
    const want = Object.fromEntries(macs.map((mac, i) => [mac, recs[i].ip]));
    expect(new Set(Object.values(want)).size).toBe(macs.length);
    for (const node of NODES) await waitFor(`entries on ${node}`, async () => macs.every((m) => ethers(node).includes(`${m},${want[m]}\n`)), 15000);
    const leases = await Promise.all(macs.map((mac, i) => dhcpVm(cluster.nodes[NODES[i % NODES.length]], mac)));
    const got = Object.fromEntries(macs.map((mac, i) => [mac, leases[i].ip]));
    expect(got).toEqual(want);
  }, 120000);

  it('releasing the address removes the static entry; the MAC then no longer gets it (on a vnet with dhcp-range: a new address of the range)', async () => {
    await cluster.api('DELETE', `vnets/${VNET}/ips`, { zone: ZONE, ip: '10.50.0.42', mac: 'bc:24:11:dd:00:01' });
    for (const node of NODES) await waitFor(`entry gone on ${node}`, async () => !ethers(node).includes('bc:24:11:dd:00:01'), 15000);
    const lease = await dhcpVm(cluster.nodes.node1, 'bc:24:11:dd:00:01');
    expect(lease.ip).toMatch(/^10\.50\.0\.(1\d\d|200)$/);
    expect(ethers('node1')).toContain(`bc:24:11:dd:00:01,${lease.ip}\n`);
  }, 60000);

  it('removing dhcp from the zone stops dnsmasq and removes its files', async () => {
    await cluster.api('PUT', `zones/${ZONE}`, { delete: 'dhcp' });
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    for (const node of NODES) {
      await waitFor(`dnsmasq stopped on ${node}`, async () => (await dnsmasqPid(node)).length === 0, 20000);
      expect(existsSync(join(root(node), 'etc/dnsmasq.d', ZONE))).toBe(false);
    }
  }, 90000);
});
