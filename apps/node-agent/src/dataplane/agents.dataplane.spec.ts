import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningConfig } from '@sdn/model';
import { dataplaneUnavailable, exec, ping, pingUntil, PrivateNatsServer, type LabNode, type NetnsLab } from '@sdn/netns-lab';
import { AgentCluster } from './agent-cluster';
import type { ClusterDriver } from './cluster-driver';

/**
 * Real data plane: three node namespaces on one underlay, each running its
 * own node agent in live mode (ifupdown2 per namespace, recipe of
 * ../shared/e2e), bundles rendered by @sdn/render from the agents' own
 * facts and delivered over a private NATS server (restartable, unlike the
 * machine's shared one). VMs are namespaces plugged into vnet bridges.
 */
const reason = dataplaneUnavailable() ?? (PrivateNatsServer.binary() ? null : 'nats-server is not installed');
if (reason) console.log(`node-agent data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2', 'node3'];
const PEERS = '192.168.0.1,192.168.0.2,192.168.0.3';

/** The seed's VXLAN example plus an isolated second VXLAN zone and a simple SNAT zone on node1. */
function config(version: number, extra: { myvnet2?: boolean; vnets?: Record<string, number> } = {}): RunningConfig {
  const vnets: NonNullable<RunningConfig['vnets']>['ids'] = { myvnet1: { type: 'vnet', zone: 'myvxlanzone', tag: 100000 }, snet: { type: 'vnet', zone: 'simplez' } };
  if (extra.myvnet2 !== false) vnets.myvnet2 = { type: 'vnet', zone: 'otherzone', tag: 200000 };
  for (const [id, tag] of Object.entries(extra.vnets ?? {})) vnets[id] = { type: 'vnet', zone: 'myvxlanzone', tag };
  return {
    version,
    zones: {
      ids: {
        myvxlanzone: { type: 'vxlan', peers: PEERS, mtu: 1450, ipam: 'pve' },
        otherzone: { type: 'vxlan', peers: PEERS, mtu: 1450, ipam: 'pve' },
        simplez: { type: 'simple', nodes: 'node1', ipam: 'pve' },
      },
    },
    vnets: { ids: vnets },
    subnets: { ids: { 'simplez-10.0.1.0-24': { type: 'subnet', vnet: 'snet', gateway: '10.0.1.1', snat: 1 } } },
  };
}

async function linkExists(ns: string, dev: string): Promise<boolean> {
  return (await exec('ip', ['-n', ns, 'link', 'show', 'dev', dev])).code === 0;
}

async function ruleCount(ns: string, table: string, pattern: RegExp): Promise<number> {
  const out = (await exec('ip', ['netns', 'exec', ns, 'iptables-save', '-t', table])).stdout;
  return out.split('\n').filter((l) => pattern.test(l)).length;
}

suite('node agents on a real data plane (netns + ifupdown2)', () => {
  let cluster: AgentCluster;
  let lab: NetnsLab;
  let driver: ClusterDriver;
  let nodes: Record<string, LabNode>;
  let outside: string;
  const agentLog = (node: string) => cluster.agentLog(node);

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('na', NODES);
    ({ lab, driver, nodes } = cluster);
    // "outside": a host on the nodes' LAN with no route back to the simple zone's subnet.
    outside = await lab.addHost('outside', '192.168.0.254/24');
    console.log(`lab + 3 agents ready in ${Date.now() - t0} ms`);
  }, 90000);

  afterAll(() => cluster?.destroy(), 30000);

  let v = 0;
  const applyAll = (cfg: RunningConfig, tweak?: Parameters<ClusterDriver['applyConfig']>[2]) => driver.applyConfig(cfg, NODES, tweak);

  it('applies the VXLAN example on three nodes; vm1 (node1) pings vm2 (node3) over myvnet1', async () => {
    v = 1;
    await applyAll(config(v));
    for (const node of NODES) {
      const s = await driver.waitStatus(node, (x) => x.version === v && x.apply.state === 'applied' && x.zones.myvxlanzone?.state === 'available');
      expect(s.vnets.myvnet1).toEqual({ zone: 'myvxlanzone', state: 'available' });
      expect(s.vnets.myvnet2).toEqual({ zone: 'otherzone', state: 'available' });
      expect(Object.keys(s.zones).sort()).toEqual(node === 'node1' ? ['myvxlanzone', 'otherzone', 'simplez'] : ['myvxlanzone', 'otherzone']);
    }
    const facts = await driver.facts('node1');
    expect(facts?.addresses).toMatchObject({ vmbr0: '192.168.0.1' });
    expect(readFileSync(join(nodes.node1.root, 'etc/network/interfaces.d/sdn'), 'utf8')).toMatch(/vxlan-id 100000\n\tvxlan_remoteip 192.168.0.2\n\tvxlan_remoteip 192.168.0.3\n/);

    await lab.addVm('vm1', nodes.node1, 'myvnet1', '10.0.3.100/24', 100, { mtu: 1450 });
    await lab.addVm('vm2', nodes.node3, 'myvnet1', '10.0.3.101/24', 101, { mtu: 1450 });
    const p = await pingUntil(lab.ns('vm1'), '10.0.3.101', 10000);
    console.log(`vm1 -> vm2 (myvnet1, node1 -> node3):\n${p.output}`);
    expect(p.ok).toBe(true);
    const df = await ping(lab.ns('vm1'), '10.0.3.101', { count: 1, size: 1422, dontFragment: true });
    console.log(`vm1 -> vm2, 1422 bytes + DF (full 1450 MTU):\n${df.output}`);
    expect(df.ok).toBe(true);
  });

  it('a second zone with the same VM addresses stays isolated', async () => {
    // vm3 has vm1's address, in myvnet2 (otherzone, VNI 200000); vm2 is only in myvnet1.
    await lab.addVm('vm3', nodes.node1, 'myvnet2', '10.0.3.100/24', 102, { mtu: 1450 });
    const p = await ping(lab.ns('vm3'), '10.0.3.101', { count: 3 });
    console.log(`vm3 (myvnet2) -> 10.0.3.101 (vm2 lives in myvnet1), must fail:\n${p.output}`);
    expect(p.ok).toBe(false);
    // The other zone works in itself: vm4 on node2 in myvnet2.
    await lab.addVm('vm4', nodes.node2, 'myvnet2', '10.0.3.102/24', 103, { mtu: 1450 });
    const q = await pingUntil(lab.ns('vm3'), '10.0.3.102', 10000);
    console.log(`vm3 -> vm4 (myvnet2, node1 -> node2):\n${q.output}`);
    expect(q.ok).toBe(true);
  });

  it('simple zone with gateway and SNAT: a VM reaches the outside through its node', async () => {
    await lab.addVm('vm5', nodes.node1, 'snet', '10.0.1.100/24', 104, { gateway: '10.0.1.1' });
    const gw = await pingUntil(lab.ns('vm5'), '10.0.1.1', 5000);
    expect(gw.ok).toBe(true);
    await exec('ip', ['netns', 'exec', outside, 'iptables', '-I', 'INPUT', '-p', 'icmp', '-s', '192.168.0.1', '-j', 'ACCEPT']); // counter only
    const p = await ping(lab.ns('vm5'), '192.168.0.254', { count: 3 });
    console.log(`vm5 (snet 10.0.1.100) -> outside 192.168.0.254 via node1 SNAT:\n${p.output}`);
    expect(p.ok).toBe(true);
    const counters = (await exec('ip', ['netns', 'exec', outside, 'iptables', '-L', 'INPUT', '-v', '-n', '-x'])).stdout;
    const fromNode = counters.split('\n').find((l) => l.includes('192.168.0.1 '));
    expect(Number(fromNode?.trim().split(/\s+/)[0])).toBeGreaterThanOrEqual(3); // arrived SNATed to node1's address
  });

  it('re-applying the same version changes nothing; a new version keeps one copy of each post-up rule', async () => {
    const sdn = join(nodes.node1.root, 'etc/network/interfaces.d/sdn');
    const mtime = statSync(sdn).mtimeMs;
    const before = await driver.status('node1');
    const again = await driver.applyConfig(config(v), NODES);
    expect(again.node1.version).toBe(v);
    await driver.waitStatus('node1', (s) => s.apply.at > (before?.apply.at ?? '') && s.apply.state === 'applied');
    expect(statSync(sdn).mtimeMs).toBe(mtime);
    // The log reaches its file through this process's pipe, a moment after the status.
    await driver.waitFor('"unchanged" in the log', async () => new RegExp(`bundle version ${v}: unchanged`).test(agentLog('node1')), 5000);
    expect(await ruleCount(nodes.node1.ns, 'nat', /-j SNAT/)).toBe(1);

    v = 2; // adds a vnet: ifreload -a re-runs every post-up, the agent removes the copies
    await applyAll(config(v, { vnets: { myvnet3: 100003 } }));
    for (const node of NODES) await driver.waitStatus(node, (s) => s.version === v && s.vnets.myvnet3?.state === 'available');
    expect(await linkExists(nodes.node2.ns, 'vxlan_myvnet3')).toBe(true);
    expect(await ruleCount(nodes.node1.ns, 'nat', /-j SNAT/)).toBe(1);
    expect(await ruleCount(nodes.node1.ns, 'raw', /-j CT --zone 1/)).toBe(1);
    expect((await ping(lab.ns('vm5'), '192.168.0.254', { count: 1 })).ok).toBe(true);
  });

  it('deleting a vnet and applying removes its devices on every node', async () => {
    v = 3;
    await applyAll(config(v, { myvnet2: false, vnets: { myvnet3: 100003 } }));
    for (const node of NODES) {
      const s = await driver.waitStatus(node, (x) => x.version === v);
      expect(s.vnets.myvnet2).toBeUndefined();
      expect(await linkExists(nodes[node].ns, 'myvnet2')).toBe(false);
      expect(await linkExists(nodes[node].ns, 'vxlan_myvnet2')).toBe(false);
    }
    expect((await ping(lab.ns('vm1'), '10.0.3.101', { count: 1 })).ok).toBe(true);
  });

  it('a bundle whose reload fails on one node leaves that node on its previous config, status error; others applied', async () => {
    const sdn2 = join(nodes.node2.root, 'etc/network/interfaces.d/sdn');
    const previous = readFileSync(sdn2, 'utf8');
    v = 4;
    // node2's bundle adds a stanza ifupdown2 creates and then fails on (invalid prefix length).
    await applyAll(config(v, { vnets: { myvnet3: 100003, myvnet5: 100005 } }), (node, files) =>
      node === 'node2' ? { ...files, interfaces: `${files.interfaces}\nauto broken\niface broken\n\taddress 10.9.9.1/99\n\tbridge_ports none\n` } : files,
    );
    const bad = await driver.waitStatus('node2', (s) => s.apply.version === v && s.apply.state === 'error');
    console.log(`node2 status after the failing bundle: ${JSON.stringify(bad.apply)}`);
    expect(bad.version).toBe(3);
    expect(bad.apply.message).toMatch(/ifreload failed/);
    expect(bad.zones.myvxlanzone.state).toBe('pending'); // running config is newer than what runs here
    expect(readFileSync(sdn2, 'utf8')).toBe(previous);
    expect(await linkExists(nodes.node2.ns, 'broken')).toBe(false);
    expect(await linkExists(nodes.node2.ns, 'myvnet5')).toBe(false);
    expect(await linkExists(nodes.node2.ns, 'myvnet3')).toBe(true);
    for (const node of ['node1', 'node3']) {
      await driver.waitStatus(node, (s) => s.version === v && s.apply.state === 'applied');
      expect(await linkExists(nodes[node].ns, 'myvnet5')).toBe(true);
    }
    expect((await ping(lab.ns('vm3'), '10.0.3.102', { count: 1 })).ok).toBe(false); // myvnet2 stays deleted on node2 too
  });

  it('an agent stopped during two applies comes back and converges to the latest version', async () => {
    await cluster.stopAgent('node3');
    v = 5;
    await applyAll(config(v, { vnets: { myvnet3: 100003 } }));
    v = 6;
    await applyAll(config(v, { vnets: { myvnet3: 100003, myvnet4: 100004 } }));
    await driver.waitStatus('node2', (s) => s.version === 6 && s.apply.state === 'applied'); // node2 recovered with a good bundle
    cluster.startAgent('node3');
    const s = await driver.waitStatus('node3', (x) => x.version === 6 && x.apply.state === 'applied', 30000);
    expect(s.vnets.myvnet4.state).toBe('available');
    expect(await linkExists(nodes.node3.ns, 'myvnet4')).toBe(true);
    expect(await linkExists(nodes.node3.ns, 'myvnet5')).toBe(false);
    // The stream keeps one bundle per node: version 5 was never seen by node3.
    expect(agentLog('node3')).not.toMatch(/bundle version 5:/);
    expect((await pingUntil(lab.ns('vm1'), '10.0.3.101', 10000)).ok).toBe(true);
  });

  it('agents keep working across a NATS server restart', async () => {
    await cluster.nats.restart();
    v = 7;
    await driver.waitFor('driver reconnect', async () => !driver.nc.isClosed() && (await driver.nc.flush().then(() => true, () => false)));
    await applyAll(config(v, { vnets: { myvnet3: 100003 } }));
    for (const node of NODES) await driver.waitStatus(node, (s) => s.version === v && s.apply.state === 'applied', 30000);
    expect(await linkExists(nodes.node1.ns, 'myvnet4')).toBe(false);
    const p = await ping(lab.ns('vm1'), '10.0.3.101', { count: 2 });
    console.log(`vm1 -> vm2 after the NATS restart and version ${v}:\n${p.output}`);
    expect(p.ok).toBe(true);
  });
});
