import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeNetbox, FakePhpIpam, startFakeServer } from '@sdn/ipam';
import { exec, type LabNode } from '@sdn/netns-lab';
import { recordTestSecrets } from '@sdn/service-kit/testing';
import { AgentCluster, waitFor } from './agent-cluster';
import { BUSYBOX, dhcpDataplaneUnavailable, plugVm } from './dhcp-vm';

/**
 * DHCP in simple zones whose IPAM is phpIPAM or NetBox (the repository's
 * fakes, faithful to their REST APIs): the static entries come from that
 * IPAM through the IPAM service, so a MAC given an address through
 * `POST /ips` gets exactly that address from the nodes' real dnsmasq, and
 * loses it on release.
 */
const reason = dhcpDataplaneUnavailable();
if (reason) console.log(`DHCP (phpIPAM) data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2'];

suite('DHCP static entries from a phpIPAM- or NetBox-backed zone', () => {
  const php = new FakePhpIpam('dp-php-token');
  const nb = new FakeNetbox('dp-nb-token');
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  let nbServer: Awaited<ReturnType<typeof startFakeServer>>;
  let cluster: AgentCluster;
  let script: string;
  let vmCount = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    recordTestSecrets({ 'phpIPAM token': php.token, 'NetBox token': nb.token });
    server = await startFakeServer((...a) => php.handler(...a));
    nbServer = await startFakeServer((...a) => nb.handler(...a));
    cluster = await AgentCluster.start('dp', NODES, { ipam: true });
    script = join(cluster.lab.base, 'udhcpc-report.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip"\nexit 0\n');
    chmodSync(script, 0o755);
    await cluster.create([
      ['ipams', { ipam: 'php', type: 'phpipam', url: `${server.url}/api/apiadmin`, token: php.token, section: 1 }],
      ['ipams', { ipam: 'nb', type: 'netbox', url: `${nbServer.url}/api`, token: nb.token }],
      ['zones', { zone: 'phpz', type: 'simple', ipam: 'php', dhcp: 'dnsmasq' }],
      ['vnets', { vnet: 'phvnet', zone: 'phpz' }],
      ['vnets/phvnet/subnets', { subnet: '10.53.0.0/24', type: 'subnet', gateway: '10.53.0.1' }],
      ['zones', { zone: 'nbz', type: 'simple', ipam: 'nb', dhcp: 'dnsmasq' }],
      ['vnets', { vnet: 'nbvnet', zone: 'nbz' }],
      ['vnets/nbvnet/subnets', { subnet: '10.54.0.0/24', type: 'subnet', gateway: '10.54.0.1' }],
    ]);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
    console.log(`fake phpIPAM and NetBox + lab + API + config and IPAM services + ${NODES.length} agents ready, zones applied, in ${Date.now() - t0} ms`);
  }, 180000);

  afterAll(async () => {
    await cluster?.destroy();
    await server?.close();
    await nbServer?.close();
  }, 60000);

  const ethers = (node: string, zone: string) => readFileSync(join(cluster.nodes[node].root, 'etc/dnsmasq.d', zone, 'ethers'), 'utf8');

  async function dhcpVm(node: LabNode, vnet: string, mac: string): Promise<string | undefined> {
    const n = ++vmCount;
    const ns = await plugVm(cluster.lab, node, vnet, `pv${n}`, `veth${970 + n}i0`, mac);
    const r = await exec('ip', ['netns', 'exec', ns, BUSYBOX, 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '4', '-T', '1', '-A', '1', '-s', script], { timeoutMs: 30000 });
    return /LEASE ip=(\S+)/.exec(r.stdout + r.stderr)?.[1];
  }

  it.each([
    ['phpIPAM', 'phpz', 'phvnet', '10.53.0.42', () => php.addresses.find((a) => a.ip === '10.53.0.42')?.mac],
    ['NetBox', 'nbz', 'nbvnet', '10.54.0.42', () => nb.addresses.find((a) => a.address.startsWith('10.54.0.42/'))?.description?.replace(/^mac:/, '')],
  ])('%s: a MAC given an address through POST /ips (kept there) gets exactly that address on either node; releasing it removes the entry', async (_ipam, zone, vnet, ip, macThere) => {
    const mac = `bc:24:11:9f:00:${zone === 'nbz' ? '02' : '01'}`;
    await cluster.api('POST', `vnets/${vnet}/ips`, { zone, ip, mac });
    // The external IPAM has it, the built-in one does not: the entry can only have come from there.
    expect(macThere()).toBe(mac);
    expect(((await cluster.api('GET', 'ipams/pve/status')) as { ip: string }[]).map((r) => r.ip)).not.toContain(ip);
    for (const node of NODES) await waitFor(`entry on ${node}`, async () => ethers(node, zone).includes(`${mac},${ip}\n`), 15000);
    expect(await dhcpVm(cluster.nodes.node1, vnet, mac)).toBe(ip);
    expect(await dhcpVm(cluster.nodes.node2, vnet, mac)).toBe(ip);

    await cluster.api('DELETE', `vnets/${vnet}/ips`, { zone, ip, mac });
    for (const node of NODES) await waitFor(`entry gone on ${node}`, async () => !ethers(node, zone).includes(mac), 15000);
    expect(await dhcpVm(cluster.nodes.node1, vnet, mac)).toBeUndefined();
  }, 120000);
});
