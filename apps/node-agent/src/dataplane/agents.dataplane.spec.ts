import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { bundleSubject, BUNDLES_STREAM, bundleVersionSubject } from '@sdn/contracts';
import { dataplaneUnavailable, exec, ping, pingUntil, PrivateNatsServer, type LabNode, type NetnsLab } from '@sdn/netns-lab';
import { AgentCluster, waitFor, type ApplyTaskView } from './agent-cluster';

/**
 * Real data plane driven through the product: three node namespaces on one
 * underlay, each running its own node agent in live mode (ifupdown2 per
 * namespace, recipe of ../shared/e2e); the REST API and the config service
 * run on the host against a private NATS server (restartable, unlike the
 * machine's shared one) and a fresh database. Objects are created with
 * form-encoded REST calls, applied with `PUT /cluster/sdn` and followed with
 * `GET /cluster/sdn/apply/{task}`. VMs are namespaces plugged into vnet bridges.
 */
const reason = dataplaneUnavailable() ?? (PrivateNatsServer.binary() ? null : 'nats-server is not installed');
if (reason) console.log(`node-agent data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

const NODES = ['node1', 'node2', 'node3'];
/** The agent's apply lines name the apply's correlation id after the version: `bundle version 3 (correlation …): applied`. */
const CORRELATION = '(?: \\(correlation [^)]*\\))?';
const PEERS = '192.168.0.1,192.168.0.2,192.168.0.3';

async function linkExists(ns: string, dev: string): Promise<boolean> {
  return (await exec('ip', ['-n', ns, 'link', 'show', 'dev', dev])).code === 0;
}

async function ruleCount(ns: string, table: string, pattern: RegExp): Promise<number> {
  const out = (await exec('ip', ['netns', 'exec', ns, 'iptables-save', '-t', table])).stdout;
  return out.split('\n').filter((l) => pattern.test(l)).length;
}

async function ifindex(ns: string, dev: string): Promise<number> {
  return (JSON.parse((await exec('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev])).stdout) as { ifindex: number }[])[0].ifindex;
}

/** Publishes the node's stored bundle once more, as a redelivery would bring it. */
async function redeliverBundle(url: string, node: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    // The node's latest message: a full bundle, or a version-only message when the last apply changed
    // nothing on this node but the version.
    const jsm = await nc.jetstreamManager();
    const last = async (subject: string) => jsm.streams.getMessage(BUNDLES_STREAM, { last_by_subj: subject }).catch(() => undefined);
    const [full, versionOnly] = [await last(bundleSubject(node)), await last(bundleVersionSubject(node))];
    const m = versionOnly && (!full || versionOnly.seq > full.seq) ? versionOnly : full;
    if (!m) throw new Error(`no bundle message for ${node} on ${BUNDLES_STREAM}`);
    await nc.jetstream().publish(m.subject, m.data);
  } finally {
    await nc.close();
  }
}

function summary(v: ApplyTaskView): string {
  return v.nodes.map((n) => `${n.node}: ${n.state} (runs ${n.version}${n.message ? `, ${n.message}` : ''}${n.offline ? ', offline' : ''})`).join('; ');
}

suite('node agents on a real data plane (netns + ifupdown2), driven through the REST API', () => {
  let cluster: AgentCluster;
  let lab: NetnsLab;
  let nodes: Record<string, LabNode>;
  let outside: string;
  const agentLog = (node: string) => cluster.agentLog(node);
  const node = (v: ApplyTaskView, name: string) => v.nodes.find((n) => n.node === name);

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await AgentCluster.start('na', NODES);
    ({ lab, nodes } = cluster);
    // "outside": a host on the nodes' LAN with no route back to the simple zone's subnet.
    outside = await lab.addHost('outside', '192.168.0.254/24');
    console.log(`lab + API + config service + 3 agents ready in ${Date.now() - t0} ms`);
  }, 90000);

  afterAll(() => cluster?.destroy(), 30000);

  let v = 0;

  it("creates the seed's VXLAN example over REST and applies it; vm1 (node1) pings vm2 (node3) over myvnet1", async () => {
    // The seed names its zone `myvxlanzone`: longer than the 8 characters PVE allows for a zone ID.
    const seed = await cluster.cp.request('POST', 'cluster/sdn/zones', { zone: 'myvxlanzone', type: 'vxlan', peers: PEERS, mtu: 1450 }, { form: true });
    console.log(`POST /cluster/sdn/zones zone=myvxlanzone (the seed's name) -> HTTP ${seed.status} ${seed.text}`);
    expect(seed.status).toBe(400);
    expect(seed.errors?.zone).toBeDefined();

    await cluster.create([
      ['zones', { zone: 'vxlanzn', type: 'vxlan', peers: PEERS, mtu: 1450 }],
      ['vnets', { vnet: 'myvnet1', zone: 'vxlanzn', tag: 100000 }],
      // A second VXLAN zone for the isolation check, and a simple zone with SNAT on node1.
      ['zones', { zone: 'otherzn', type: 'vxlan', peers: PEERS, mtu: 1450 }],
      ['vnets', { vnet: 'myvnet2', zone: 'otherzn', tag: 200000 }],
      ['zones', { zone: 'simplez', type: 'simple', nodes: 'node1' }],
      ['vnets', { vnet: 'snet', zone: 'simplez' }],
      ['vnets/snet/subnets', { subnet: '10.0.1.0/24', type: 'subnet', gateway: '10.0.1.1', snat: 1 }],
    ]);
    const { task, version } = await cluster.apply();
    v = version;
    const view = await cluster.waitApplied(task);
    console.log(`PUT /cluster/sdn -> ${task}; GET /cluster/sdn/apply/{task}: ${summary(view)}; slowest ${JSON.stringify(view.slowest)}`);
    expect(view.done).toBe(true);
    for (const n of NODES) {
      const s = await cluster.waitStatus(n, (x) => x.version === v);
      expect(s.apply.state).toBe('applied');
      expect(s.vnets.myvnet1).toEqual({ zone: 'vxlanzn', state: 'available' });
      expect(s.vnets.myvnet2).toEqual({ zone: 'otherzn', state: 'available' });
      expect(Object.keys(s.zones).sort()).toEqual(n === 'node1' ? ['otherzn', 'simplez', 'vxlanzn'] : ['otherzn', 'vxlanzn']);
    }
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
    // vm3 has vm1's address, in myvnet2 (otherzn, VNI 200000); vm2 is only in myvnet1.
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

  it('applying again without changes only bumps the version: no device re-created, no duplicate post-up rules; the same bundle twice changes nothing', async () => {
    const sdn = join(nodes.node1.root, 'etc/network/interfaces.d/sdn');
    const withoutVersion = (text: string) => text.replace(/^#version:\d+\n/m, '');
    const before = readFileSync(sdn, 'utf8');
    const index = await ifindex(nodes.node1.ns, 'myvnet1');
    const again = await cluster.apply();
    expect(again.version).toBe(v + 1);
    v = again.version;
    const view = await cluster.waitApplied(again.task);
    console.log(`PUT /cluster/sdn without changes -> version ${v}: ${summary(view)}`);
    // The file carries the config version (`#version:N`, as PVE writes it): every node gets a version-only
    // message and rewrites that line in place, nothing else (same device, no second post-up rule).
    const after = readFileSync(sdn, 'utf8');
    expect(after).not.toBe(before);
    expect(withoutVersion(after)).toBe(withoutVersion(before));
    expect(await ifindex(nodes.node1.ns, 'myvnet1')).toBe(index);
    expect(await ruleCount(nodes.node1.ns, 'nat', /-j SNAT/)).toBe(1);
    expect(await ruleCount(nodes.node1.ns, 'raw', /-j CT --zone 1/)).toBe(1);

    // The node's latest message redelivered (same version, same files) is recognised and nothing runs.
    const mtime = statSync(sdn).mtimeMs;
    await redeliverBundle(cluster.nats.url, 'node1');
    await waitFor('"unchanged" in the log', async () => new RegExp(`bundle version ${v}${CORRELATION}: unchanged`).test(agentLog('node1')), 10000);
    expect(statSync(sdn).mtimeMs).toBe(mtime);
    expect(await ruleCount(nodes.node1.ns, 'nat', /-j SNAT/)).toBe(1);

    // A new vnet: ifreload -a re-runs every post-up, the agent removes the copies.
    await cluster.create([['vnets', { vnet: 'myvnet3', zone: 'vxlanzn', tag: 100003 }]]);
    const next = await cluster.apply();
    v = next.version;
    await cluster.waitApplied(next.task);
    for (const n of NODES) await cluster.waitStatus(n, (s) => s.version === v && s.vnets.myvnet3?.state === 'available');
    expect(await linkExists(nodes.node2.ns, 'vxlan_myvnet3')).toBe(true);
    expect(await ruleCount(nodes.node1.ns, 'nat', /-j SNAT/)).toBe(1);
    expect(await ruleCount(nodes.node1.ns, 'raw', /-j CT --zone 1/)).toBe(1);
    expect((await ping(lab.ns('vm5'), '192.168.0.254', { count: 1 })).ok).toBe(true);
  });

  it('deleting a vnet and applying removes its devices on every node', async () => {
    await cluster.api('DELETE', 'vnets/myvnet2');
    const { task, version } = await cluster.apply();
    v = version;
    await cluster.waitApplied(task);
    for (const n of NODES) {
      const s = await cluster.waitStatus(n, (x) => x.version === v);
      expect(s.vnets.myvnet2).toBeUndefined();
      expect(await linkExists(nodes[n].ns, 'myvnet2')).toBe(false);
      expect(await linkExists(nodes[n].ns, 'vxlan_myvnet2')).toBe(false);
    }
    console.log(`after DELETE /cluster/sdn/vnets/myvnet2 + apply: myvnet2 and vxlan_myvnet2 are gone on ${NODES.join(', ')}`);
    expect((await ping(lab.ns('vm1'), '10.0.3.101', { count: 1 })).ok).toBe(true);
  });

  it('a reload that fails on one node leaves that node on its previous config, status error; others applied', async () => {
    const sdn2 = join(nodes.node2.root, 'etc/network/interfaces.d/sdn');
    const previous = readFileSync(sdn2, 'utf8');
    const before = v;
    await cluster.create([['vnets', { vnet: 'myvnet5', zone: 'vxlanzn', tag: 100005 }]]);
    // node2's ifreload applies the new file, then fails: the agent must put the previous config back.
    cluster.failNextReload('node2');
    const { task, version } = await cluster.apply();
    v = version;
    const view = await cluster.waitTask(task, (x) => node(x, 'node2')?.state === 'error' && ['node1', 'node3'].every((n) => node(x, n)?.state === 'applied'));
    console.log(`apply with a failing reload on node2, GET /cluster/sdn/apply/{task}: ${summary(view)}; slowest ${JSON.stringify(view.slowest)}`);
    expect(view.done).toBe(false);
    expect(node(view, 'node2')).toMatchObject({ version: before, message: expect.stringMatching(/ifreload failed/) });
    const bad = await cluster.waitStatus('node2', (s) => s.apply.version === v && s.apply.state === 'error');
    expect(bad.version).toBe(before);
    expect(bad.zones.vxlanzn.state).toBe('pending'); // the running config is newer than what runs here
    expect(readFileSync(sdn2, 'utf8')).toBe(previous);
    expect(await linkExists(nodes.node2.ns, 'myvnet5')).toBe(false);
    expect(await linkExists(nodes.node2.ns, 'vxlan_myvnet5')).toBe(false);
    expect(await linkExists(nodes.node2.ns, 'myvnet3')).toBe(true);
    for (const n of ['node1', 'node3']) expect(await linkExists(nodes[n].ns, 'myvnet5')).toBe(true);
    expect((await ping(lab.ns('vm1'), '10.0.3.101', { count: 1 })).ok).toBe(true);
  });

  it('an agent stopped during two applies comes back and converges to the latest version', async () => {
    await cluster.stopAgent('node3');
    await cluster.api('DELETE', 'vnets/myvnet5');
    const first = await cluster.apply();
    await cluster.create([['vnets', { vnet: 'myvnet4', zone: 'vxlanzn', tag: 100004 }]]);
    const second = await cluster.apply();
    v = second.version;
    // node2 recovers with a good bundle; node3 cannot answer.
    const meanwhile = await cluster.waitTask(second.task, (x) => ['node1', 'node2'].every((n) => node(x, n)?.state === 'applied'));
    console.log(`versions ${first.version} and ${v} applied with node3's agent stopped: ${summary(meanwhile)}`);
    expect(node(meanwhile, 'node3')?.state).toBe('pending');
    cluster.startAgent('node3');
    const view = await cluster.waitApplied(second.task, 30000);
    console.log(`node3's agent restarted: ${summary(view)}`);
    const s = await cluster.waitStatus('node3', (x) => x.version === v);
    expect(s.vnets.myvnet4.state).toBe('available');
    expect(await linkExists(nodes.node3.ns, 'myvnet4')).toBe(true);
    expect(await linkExists(nodes.node3.ns, 'myvnet5')).toBe(false);
    // The stream keeps one bundle per node: the intermediate version never reached node3.
    expect(agentLog('node3')).not.toMatch(new RegExp(`bundle version ${first.version}${CORRELATION}:`));
    expect((await pingUntil(lab.ns('vm1'), '10.0.3.101', 10000)).ok).toBe(true);
  });

  it('API, config service and agents keep working across a NATS server restart', async () => {
    await cluster.nats.restart();
    await cluster.api('DELETE', 'vnets/myvnet4');
    const { task, version } = await cluster.apply();
    v = version;
    const view = await cluster.waitApplied(task, 45000);
    console.log(`after the NATS restart, version ${v}: ${summary(view)}`);
    for (const n of NODES) expect(await linkExists(nodes[n].ns, 'myvnet4')).toBe(false);
    const p = await ping(lab.ns('vm1'), '10.0.3.101', { count: 2 });
    console.log(`vm1 -> vm2 after the NATS restart and version ${v}:\n${p.output}`);
    expect(p.ok).toBe(true);
  });
});
