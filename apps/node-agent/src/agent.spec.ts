import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { nodeScope } from '@sdn/render';
import { BUNDLE_ENCODING_GZIP_V1, bundleContentHash, check, CONTRACTS, STATUS_STREAM, statusSubject } from '@sdn/contracts';
import { Agent } from './agent';
import { configFromEnv } from './config/agent-config';
import { ClusterDriver } from './dataplane/cluster-driver';

/**
 * The agent over real NATS in safe mode (files only, no root): durable
 * bundle delivery across agent downtime, a NATS server restart, and status
 * derived from the zones and vnets the bundle carries.
 */
const reason = PrivateNatsServer.binary() ? null : 'nats-server is not installed';
if (reason) console.log(`agent NATS tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

suite('Agent (safe mode, private NATS)', () => {
  let nats: PrivateNatsServer;
  let driver: ClusterDriver;
  let root: string;
  const logs: string[] = [];
  const newAgent = (env: Record<string, string> = {}) =>
    new Agent(configFromEnv({ SDN_NODE_NAME: 'pve1', SDN_NATS_URL: nats.url, SDN_AGENT_ROOT: root, SDN_HEARTBEAT_MS: '300', SDN_AGENT_KERNEL_FACTS: '0', ...env }), (m) => logs.push(m));
  /** The last status on the bus as published, not normalised like driver.status. */
  const rawStatus = async () => (await (await driver.nc.jetstreamManager()).streams.getMessage(STATUS_STREAM, { last_by_subj: statusSubject('pve1') })).json<Record<string, unknown>>();
  const files = (v: number) => ({ interfaces: `#version:${v}\n\nauto vnet${v}\niface vnet${v}\n\tbridge_ports none\n` });
  const running = (v: number) => ({ version: v, zones: { ids: { z1: { type: 'simple' }, elsewhere: { type: 'simple', nodes: 'pve9' } } }, vnets: { ids: { [`vnet${v}`]: { zone: 'z1' } } } });
  const bundle = (v: number) => driver.bundle('pve1', v, files(v), nodeScope(running(v), 'pve1'));

  beforeAll(async () => {
    nats = await PrivateNatsServer.start();
    driver = await ClusterDriver.connect(nats.url);
    root = mkdtempSync(join(tmpdir(), 'agent-spec-'));
  });
  afterAll(async () => {
    await driver?.close();
    await nats?.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('applies a packed bundle and reports the zones and vnets it carries', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      await driver.publishBundle(bundle(1));
      const s = await driver.waitStatus('pve1', (x) => x.version === 1 && x.vnets.vnet1?.state === 'available');
      // Zones restricted to other nodes are not in pve1's bundle, so not in its status.
      expect(s.zones).toEqual({ z1: { state: 'available' } });
      expect(s.heartbeatMs).toBe(300);
      expect(readFileSync(join(root, 'etc/network/interfaces.d/sdn'), 'utf8')).toBe(files(1).interfaces);
      expect(await driver.facts('pve1')).toMatchObject({ nodename: 'pve1' });
      // A newer bundle that could not be applied: its zones and vnets are "pending" (spec §5).
      jest.spyOn(agent.applier, 'apply').mockResolvedValueOnce({ state: 'error', version: 2, message: 'ifreload failed', running: await agent.applier.state(), ms: 1 });
      await driver.publishBundle(bundle(2));
      const p = await driver.waitStatus('pve1', (x) => x.apply.version === 2 && x.apply.state === 'error');
      expect(p.version).toBe(1);
      expect(p.zones).toEqual({ z1: { state: 'pending' } });
      expect(p.vnets).toEqual({ vnet2: { zone: 'z1', state: 'pending', message: 'local sdn network configuration is too old, please reload' } });
    } finally {
      await agent.stop();
    }
  });

  it('refuses a bundle whose packed content does not decode, and reports why', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      const good = bundle(3);
      await driver.nc.jetstream().publish(
        'sdn.node.pve1.bundle',
        JSON.stringify({ node: 'pve1', version: 3, hash: good.hash, renderedAt: good.renderedAt, encoding: BUNDLE_ENCODING_GZIP_V1, packed: Buffer.from('garbage').toString('base64') }),
      );
      const s = await driver.waitStatus('pve1', (x) => x.apply.version === 3 && x.apply.state === 'error');
      expect(s.apply.message).toMatch(/^bundle not usable \(NodeBundle\/v1 content: packed does not decode/);
      expect(s.version).toBe(1);
    } finally {
      await agent.stop();
    }
  });

  it('after downtime gets only the latest bundle, and its zones without any redelivery', async () => {
    logs.length = 0;
    await driver.publishBundle(bundle(2));
    await driver.publishBundle(bundle(3));
    const agent = newAgent();
    await agent.start();
    try {
      await driver.waitStatus('pve1', (x) => x.version === 3 && x.apply.state === 'applied' && x.vnets.vnet3?.state === 'available');
      expect(logs.some((l) => l.startsWith('bundle version 2'))).toBe(false);
      // One apply of version 3: its start line (logged since correlation ids) and one outcome.
      expect(logs.filter((l) => l.startsWith('bundle version 3:'))).toEqual(['bundle version 3: applying', expect.stringMatching(/^bundle version 3: applied in /)]);
    } finally {
      await agent.stop();
    }
    // Restarted with nothing new to consume: status still names the zones of the last bundle.
    const again = newAgent();
    await again.start();
    try {
      const s = await driver.status('pve1');
      expect(s).toMatchObject({ version: 3, zones: { z1: { state: 'available' } }, vnets: { vnet3: { zone: 'z1', state: 'available' } } });
    } finally {
      await again.stop();
    }
  });

  it('keeps working across a NATS server restart', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      await nats.restart();
      await driver.waitFor('reconnect', () => driver.nc.flush().then(() => true, () => false));
      // The older inline form is still accepted.
      await driver.publishBundle(bundle(4), { inline: true });
      const s = await driver.waitStatus('pve1', (x) => x.version === 4 && x.apply.state === 'applied', 20000);
      expect(s.heartbeatAt >= s.apply.at).toBe(true);
    } finally {
      await agent.stop();
    }
  });

  it('announces a slow apply as pending, then its outcome', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      const apply = agent.applier.apply.bind(agent.applier);
      jest.spyOn(agent.applier, 'apply').mockImplementationOnce(async (b) => {
        await new Promise((r) => setTimeout(r, 1500));
        return apply(b);
      });
      await driver.publishBundle(bundle(5));
      const p = await driver.waitStatus('pve1', (x) => x.apply.version === 5 && x.apply.state === 'pending', 1400);
      expect(p.zones).toEqual({ z1: { state: 'pending' } });
      await driver.waitStatus('pve1', (x) => x.version === 5 && x.apply.state === 'applied' && x.zones.z1?.state === 'available');
    } finally {
      await agent.stop();
    }
  });

  it('publishes NodeStatus v2 (vnets grouped by zone), and v1 when told to', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      await driver.publishBundle(bundle(6));
      await driver.waitStatus('pve1', (x) => x.version === 6 && x.vnets.vnet6?.state === 'available');
      const wire = await rawStatus();
      expect(check(CONTRACTS.nodeStatusV2.schema, wire)).toEqual({});
      expect(wire).toMatchObject({ node: 'pve1', version: 6, v: 2, zones: { z1: { state: 'available' } }, vnetsByZone: { z1: { state: 'available', vnets: ['vnet6'] } } });
      expect(wire.vnets).toBeUndefined();
      // A heartbeat carries the same zones and vnets.
      const at = wire.heartbeatAt as string;
      await driver.waitFor('heartbeat', async () => ((await rawStatus()).heartbeatAt as string) > at);
      expect((await rawStatus()).vnetsByZone).toEqual(wire.vnetsByZone);
    } finally {
      await agent.stop();
    }
    const old = newAgent({ SDN_AGENT_STATUS_CONTRACT: 'v1' });
    await old.start();
    try {
      const wire = await driver.waitFor('a v1 status', async () => {
        const w = await rawStatus();
        return w.v === undefined ? w : null;
      });
      expect(check(CONTRACTS.nodeStatus.schema, wire)).toEqual({});
      expect(wire).toMatchObject({ version: 6, zones: { z1: { state: 'available' } }, vnets: { vnet6: { zone: 'z1', state: 'available' } } });
    } finally {
      await old.stop();
    }
  });
  describe('version-only messages', () => {
    // The same vnet whatever the version: versions differ only in the file's version line.
    const same = (v: number) => ({ interfaces: `#version:${v}\n\nauto vkeep\niface vkeep\n\tbridge_ports none\n` });
    const keepScope = (v: number) => nodeScope({ version: v, zones: { ids: { z1: { type: 'simple' } } }, vnets: { ids: { vkeep: { zone: 'z1' } } } } as never, 'pve1');
    const sdnFile = () => readFileSync(join(root, 'etc/network/interfaces.d/sdn'), 'utf8');
    const bump = (version: number, base: { version: number; hash: string }, over: Record<string, unknown> = {}) => ({
      node: 'pve1',
      version,
      hash: bundleContentHash(same(version)),
      baseVersion: base.version,
      baseHash: base.hash,
      task: `UPID:v${version}`,
      renderedAt: new Date().toISOString(),
      ...over,
    });

    it('rewrites the version line only: the file a full bundle of that version writes, nothing re-applied', async () => {
      const agent = newAgent();
      await agent.start();
      try {
        const base = driver.bundle('pve1', 20, same(20), keepScope(20));
        await driver.publishBundle(base);
        await driver.waitStatus('pve1', (x) => x.version === 20 && x.apply.state === 'applied');
        const apply = jest.spyOn(agent.applier, 'apply');
        await driver.publishVersion(bump(21, base));
        const s = await driver.waitStatus('pve1', (x) => x.version === 21 && x.apply.state === 'applied');
        expect(s.apply.task).toBe('UPID:v21');
        expect(s.vnets).toEqual({ vkeep: { zone: 'z1', state: 'available' } });
        expect(sdnFile()).toBe(same(21).interfaces);
        // A second one on the same base (the config service re-versions the latest full bundle).
        await driver.publishVersion(bump(22, base));
        await driver.waitStatus('pve1', (x) => x.version === 22 && x.apply.state === 'applied');
        expect(sdnFile()).toBe(same(22).interfaces);
        expect(apply).not.toHaveBeenCalled();
        expect(JSON.parse(readFileSync(join(root, 'var/lib/sdn-agent/applied.json'), 'utf8'))).toMatchObject({ version: 22, hash: bundleContentHash(same(22)), baseHash: base.hash });
      } finally {
        await agent.stop();
      }
      // Restarted: the status names the version-only message's version with the base bundle's zones and vnets.
      const again = newAgent();
      await again.start();
      try {
        expect(await driver.status('pve1')).toMatchObject({ version: 22, vnets: { vkeep: { zone: 'z1', state: 'available' } } });
      } finally {
        await again.stop();
      }
    });

    it('applies the base bundle in full when the node does not run its files, and drops a message whose base is gone', async () => {
      const agent = newAgent();
      await agent.start();
      try {
        const base = driver.bundle('pve1', 30, same(30), keepScope(30));
        await driver.publishBundle(base);
        await driver.waitStatus('pve1', (x) => x.version === 30 && x.apply.state === 'applied');
        // Edited by hand: rewriting the version line would keep the edit, so the base is fetched and applied whole.
        appendFileSync(join(root, 'etc/network/interfaces.d/sdn'), '\nauto byhand\niface byhand\n');
        const apply = jest.spyOn(agent.applier, 'apply');
        await driver.publishVersion(bump(31, base));
        await driver.waitStatus('pve1', (x) => x.version === 31 && x.apply.state === 'applied');
        expect(sdnFile()).toBe(same(31).interfaces);
        expect(apply).toHaveBeenCalledTimes(1);
        // A base that is no longer the node's latest full bundle: a newer bundle supersedes the message.
        logs.length = 0;
        await driver.publishVersion(bump(32, { version: 29, hash: 'f'.repeat(64) }));
        await driver.waitFor('the message dropped', async () => logs.some((l) => l.includes('version 32: version-only message for bundle ffffffffffff, which is no longer')));
        expect((await driver.status('pve1'))?.version).toBe(31);
        // Re-versioned files that do not give the message's hash are refused, not written.
        appendFileSync(join(root, 'etc/network/interfaces.d/sdn'), '\n# edited\n');
        await driver.publishVersion(bump(33, base, { hash: 'e'.repeat(64) }));
        const s = await driver.waitStatus('pve1', (x) => x.apply.version === 33 && x.apply.state === 'error');
        expect(s.apply.message).toMatch(/^version-only message: bundle version 30 re-versioned does not give hash e{64}/);
        expect(s.version).toBe(31);
      } finally {
        await agent.stop();
      }
    });
  });
});
