import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, PdnsFixture, pdnsSkipReason, type LabNode } from '@sdn/netns-lab';
import type { IpRecord } from '@sdn/ipam';
import { AgentCluster, waitFor } from './agent-cluster';
import { BUSYBOX, dhcpDataplaneUnavailable, plugVm } from './dhcp-vm';

/**
 * Leases from a subnet's dhcp-range on a real data plane, written back to the
 * IPAM and followed by DNS: two node namespaces with live agents running
 * Debian's dnsmasq, the API, config, IPAM and DNS services, a private
 * PowerDNS. A VM (namespace, busybox udhcpc) whose MAC the IPAM does not know
 * asks for an address: its node reports the MAC, the IPAM hands out the next
 * free address of the range, and the static entry reaches dnsmasq in time for
 * the client's next DISCOVER; the client's host name, from its DHCPACK, goes
 * to the IPAM and from there to PowerDNS.
 */
const reason = dhcpDataplaneUnavailable() ?? pdnsSkipReason() ?? null;
if (reason) console.log(`DHCP lease data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];
const ZONE = 'leasez';
const VNET = 'lvnet';
const DOMAIN = 'lease.test';

/** A row of GET /cluster/sdn/ipams/pve/status. */
type StatusRow = Pick<IpRecord, 'zone' | 'ip' | 'mac' | 'hostname'> & { gateway?: number };

suite('DHCP leases from the range: written to the IPAM, followed by PowerDNS', () => {
  const pdns = new PdnsFixture();
  let cluster: AgentCluster;
  let script: string;
  let vmCount = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    const started = pdns.start({ reset: true });
    cluster = await AgentCluster.start('dl', NODES, { ipam: true, dns: true });
    await started;
    for (const z of [DOMAIN, '10.in-addr.arpa.']) await pdns.createZone(z);
    // udhcpc calls this on `bound`: the address goes on the VM's interface (a RELEASE is sent from it), then printed.
    script = join(cluster.lab.base, 'udhcpc-bind.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface" && echo "LEASE ip=$ip"\nexit 0\n');
    chmodSync(script, 0o755);
    await cluster.create([
      ['dns', { dns: 'pdns', type: 'powerdns', url: pdns.apiUrl, key: pdns.key, ttl: 60 }],
      ['zones', { zone: ZONE, type: 'simple', ipam: 'pve', dhcp: 'dnsmasq', dns: 'pdns', reversedns: 'pdns', dnszone: DOMAIN }],
      ['vnets', { vnet: VNET, zone: ZONE }],
      ['vnets/lvnet/subnets', { subnet: '10.52.0.0/24', type: 'subnet', gateway: '10.52.0.1', 'dhcp-range': 'start-address=10.52.0.100,end-address=10.52.0.119' }],
    ]);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    for (const node of NODES) await waitFor(`dnsmasq on ${node}`, async () => (await exec('pgrep', ['-f', `dnsmasq.*--pid-file=${cluster.nodes[node].root}`])).stdout.trim() !== '', 20000);
    console.log(`PowerDNS + lab + API + config, IPAM and DNS services + ${NODES.length} agents ready, zone applied, in ${Date.now() - t0} ms`);
  }, 180000);

  afterAll(async () => {
    await cluster?.destroy();
    await pdns.destroy();
  }, 60000);

  const entries = async (): Promise<StatusRow[]> => ((await cluster.api('GET', 'ipams/pve/status')) as StatusRow[]).filter((r) => r.zone === ZONE && !r.gateway);
  const ethers = (node: string) => readFileSync(join(cluster.nodes[node].root, 'etc/dnsmasq.d', ZONE, 'ethers'), 'utf8');

  /** A VM namespace on `node` with `mac` asking for a lease under `hostname` (8 DISCOVERs, 1 s apart); `release`: it stays bound until release() gives the lease back. */
  async function dhcpVm(node: LabNode, mac: string, hostname: string, release = false): Promise<{ ip?: string; out: string; ms: number; release?: () => Promise<void> }> {
    const n = ++vmCount;
    const ns = await plugVm(cluster.lab, node, VNET, `lv${n}`, `veth${950 + n}i0`, mac);
    const t0 = Date.now();
    const args = ['netns', 'exec', ns, BUSYBOX, 'udhcpc', '-i', 'eth0', '-n', '-f', '-t', '8', '-T', '1', '-A', '1', '-x', `hostname:${hostname}`, '-s', script];
    if (!release) {
      const r = await exec('ip', [...args, '-q'], { timeoutMs: 40000 });
      const out = r.stdout + r.stderr;
      return { ip: /LEASE ip=(\S+)/.exec(out)?.[1], out, ms: Date.now() - t0 };
    }
    // udhcpc releases on quit (-R) only from the bound state, which -q leaves before: it stays bound until SIGTERM.
    const child = spawn('ip', [...args, '-R'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const bound = new Promise<string | undefined>((resolve) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /LEASE ip=(\S+)/.exec(out);
        if (m) resolve(m[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => resolve(undefined));
    });
    const ip = await bound;
    return {
      ip,
      out,
      ms: Date.now() - t0,
      release: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  it('an unknown MAC gets the first address of the range from the IPAM, recorded with its MAC and host name, and PowerDNS answers for it', async () => {
    const mac = 'bc:24:11:5e:00:01';
    const vm = await dhcpVm(cluster.nodes.node1, mac, 'guest-a');
    console.log(`unknown MAC -> lease ${vm.ip} in ${vm.ms} ms (DISCOVER ignored, reported, allocated, entry delivered, next DISCOVER answered)`);
    expect(vm.ip).toBe('10.52.0.100');
    const t0 = Date.now();
    await waitFor('the lease in the IPAM with its host name', async () => (await entries()).some((e) => e.ip === '10.52.0.100' && e.mac === mac && e.hostname === 'guest-a'), 15000);
    await waitFor('A guest-a', async () => (await pdns.query('A', `guest-a.${DOMAIN}`)).join() === '10.52.0.100', 20000);
    await waitFor('PTR 10.52.0.100', async () => (await pdns.query('PTR', '10.52.0.100')).join() === `guest-a.${DOMAIN}`, 20000);
    console.log(`lease -> IPAM hostname -> PowerDNS A and PTR in ${Date.now() - t0} ms after the client was bound`);
    expect(cluster.agentLog('node1')).toMatch(/DHCP zone leasez: lease discover bc:24:11:5e:00:01 recorded in the IPAM \(10\.52\.0\.100\)/);
    // The same guest started on the other node gets the same address: the entry is on every node.
    await waitFor('entry on node2', async () => ethers('node2').includes(`${mac},10.52.0.100\n`), 15000);
    expect((await dhcpVm(cluster.nodes.node2, mac, 'guest-a')).ip).toBe('10.52.0.100');
    expect((await entries()).filter((e) => e.mac === mac)).toHaveLength(1);
  }, 120000);

  it('unknown MACs started on every node at once get distinct addresses of the range, each recorded once', async () => {
    const macs = Array.from({ length: 6 }, (_, i) => `bc:24:11:5e:01:${String(i + 10).padStart(2, '0')}`);
    const vms = await Promise.all(macs.map((mac, i) => dhcpVm(cluster.nodes[NODES[i % NODES.length]], mac, `par${i}`)));
    const ips = vms.map((v) => v.ip);
    expect(ips.every((ip) => ip && /^10\.52\.0\.1(0\d|1\d)$/.test(ip))).toBe(true);
    expect(new Set(ips).size).toBe(macs.length);
    const rows = await entries();
    expect(Object.fromEntries(macs.map((m) => [m, rows.filter((r) => r.mac === m).map((r) => r.ip)]))).toEqual(Object.fromEntries(macs.map((m, i) => [m, [ips[i]]])));
  }, 120000);

  it('a released lease gives the address back (IPAM and DNS); an address registered through POST /ips stays when its guest releases', async () => {
    const dyn = await dhcpVm(cluster.nodes.node1, 'bc:24:11:5e:00:02', 'guest-b', true);
    expect(dyn.ip).toMatch(/^10\.52\.0\.1\d\d$/);
    await waitFor('A guest-b', async () => (await pdns.query('A', `guest-b.${DOMAIN}`)).join() === dyn.ip, 20000);
    await dyn.release!();
    await waitFor('guest-b released in the IPAM', async () => !(await entries()).some((e) => e.mac === 'bc:24:11:5e:00:02'), 15000);
    await waitFor('A guest-b gone', async () => (await pdns.query('A', `guest-b.${DOMAIN}`)).length === 0, 20000);
    for (const node of NODES) await waitFor(`entry gone on ${node}`, async () => !ethers(node).includes('bc:24:11:5e:00:02'), 15000);

    await cluster.api('POST', `vnets/${VNET}/ips`, { zone: ZONE, ip: '10.52.0.50', mac: 'bc:24:11:5e:00:03', hostname: 'fixed' });
    await waitFor('entry on node2', async () => ethers('node2').includes('bc:24:11:5e:00:03,10.52.0.50\n'), 15000);
    const fixed = await dhcpVm(cluster.nodes.node2, 'bc:24:11:5e:00:03', 'fixed', true);
    expect(fixed.ip).toBe('10.52.0.50');
    await fixed.release!();
    await waitFor('the release answered', async () => /lease released bc:24:11:5e:00:03 10\.52\.0\.50 kept in the IPAM/.test(cluster.agentLog('node2')), 15000);
    expect((await entries()).filter((e) => e.mac === 'bc:24:11:5e:00:03')).toEqual([expect.objectContaining({ ip: '10.52.0.50', hostname: 'fixed' })]);
    expect(ethers('node2')).toContain('bc:24:11:5e:00:03,10.52.0.50\n');
  }, 120000);
});
