import { join, resolve } from 'node:path';
import { dataplaneUnavailable, exec, must, PrivateNatsServer } from '@sdn/netns-lab';
import { AgentCluster } from './agent-cluster';

/**
 * Guest-port options on a real node namespace (spec §7.7): a live agent
 * applies the config; the node's plug command (what a VM start hook runs)
 * enslaves guest ports with `isolated on` (`isolate-ports`). The zones that
 * take `bridge-disable-mac-learning` (vlan, qinq, evpn) need 802.1Q devices
 * or FRR, which this lab's kernel or recipe lacks: its commands are checked
 * by @sdn/render's guest-ports spec.
 */
const reason = dataplaneUnavailable() ?? (PrivateNatsServer.binary() ? null : 'nats-server is not installed');
if (reason) console.log(`guest-port data-plane tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;
const REPO = resolve(__dirname, '../../../..');

interface SlaveData {
  learning?: boolean;
  isolated?: boolean;
}

suite('guest ports plugged with the vnet and zone options', () => {
  let cluster: AgentCluster;
  let ns: string;
  let root: string;

  beforeAll(async () => {
    cluster = await AgentCluster.start('gp', ['node1']);
    ({ ns, root } = cluster.nodes.node1);
    await cluster.create([
      ['zones', { zone: 'isoz', type: 'simple' }],
      ['vnets', { vnet: 'isonet', zone: 'isoz', 'isolate-ports': 1 }],
      ['vnets/isonet/subnets', { subnet: '10.60.0.0/24', type: 'subnet', gateway: '10.60.0.1' }],
      ['vnets', { vnet: 'opennet', zone: 'isoz' }],
      ['vnets/opennet/subnets', { subnet: '10.61.0.0/24', type: 'subnet', gateway: '10.61.0.1' }],
    ]);
    const { task } = await cluster.apply();
    await cluster.waitApplied(task, 60000);
  }, 150000);

  afterAll(() => cluster?.destroy(), 30000);

  const plug = (port: string, vnet: string, mac?: string) =>
    exec('ip', ['netns', 'exec', ns, process.execPath, '-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/node-agent/src/guest-ports/main.ts'), port, vnet, ...(mac ? [mac] : [])], {
      env: { ...process.env, SDN_NODE_NAME: 'node1', SDN_AGENT_MODE: 'live', SDN_AGENT_ROOT: root },
      timeoutMs: 60000,
    });
  const port = async (dev: string) => {
    const [l] = JSON.parse(await must('ip', ['-n', ns, '-d', '-j', 'link', 'show', 'dev', dev])) as { master?: string; operstate?: string; linkinfo?: { info_slave_data?: SlaveData } }[];
    return { master: l.master, learning: l.linkinfo?.info_slave_data?.learning, isolated: l.linkinfo?.info_slave_data?.isolated };
  };

  /** A VM namespace whose eth0's peer (`port`) is left in the node unplugged, as a hypervisor creates a tap. */
  async function vm(name: string, portName: string, mac: string, cidr?: string): Promise<string> {
    const vmNs = await cluster.lab.addNamespace(name);
    await must('ip', ['link', 'add', 'name', 'eth0', 'netns', vmNs, 'address', mac, 'type', 'veth', 'peer', 'name', portName, 'netns', ns]);
    await must('ip', ['-n', vmNs, 'link', 'set', 'eth0', 'up']);
    if (cidr) await must('ip', ['-n', vmNs, 'addr', 'add', cidr, 'dev', 'eth0']);
    return vmNs;
  }

  it('isolate-ports: guests on the vnet reach the gateway but not each other; a vnet without it lets them', async () => {
    const a = await vm('vmB', 'tap101i0', 'bc:24:11:00:00:02', '10.60.0.11/24');
    await vm('vmC', 'tap102i0', 'bc:24:11:00:00:03', '10.60.0.12/24');
    for (const p of ['tap101i0', 'tap102i0']) expect((await plug(p, 'isonet')).code).toBe(0);
    expect(await port('tap101i0')).toEqual({ master: 'isonet', learning: true, isolated: true });
    const ping = async (from: string, to: string) => (await exec('ip', ['netns', 'exec', from, 'ping', '-c', '1', '-W', '1', to])).code;
    expect(await ping(a, '10.60.0.1')).toBe(0);
    expect(await ping(a, '10.60.0.12')).not.toBe(0);

    const d = await vm('vmD', 'tap103i0', 'bc:24:11:00:00:04', '10.61.0.11/24');
    await vm('vmE', 'tap104i0', 'bc:24:11:00:00:05', '10.61.0.12/24');
    for (const p of ['tap103i0', 'tap104i0']) expect((await plug(p, 'opennet')).code).toBe(0);
    expect(await port('tap103i0')).toEqual({ master: 'opennet', learning: true, isolated: false });
    expect(await ping(d, '10.61.0.12')).toBe(0);
  }, 90000);

  it('refuses a vnet not deployed on the node, with the reference\'s words', async () => {
    await vm('vmF', 'tap105i0', 'bc:24:11:00:00:06');
    const r = await plug('tap105i0', 'nosuch');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('vnet nosuch is not allowed on this node');
    expect((await port('tap105i0')).master).toBeUndefined();
  }, 60000);
});
