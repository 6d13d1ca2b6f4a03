import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busConnectionOptions, busTopology, connectBus, requestContract, ensureDurableConsumer, ensureStreams, nodeBundleConsumer, sdnStreamSpecs, silentLogger, writeNatsServerConfig, type Bus } from '@sdn/bus';
import { CONTRACTS, type InlineNodeBundleV1 } from '@sdn/contracts';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { runCheck } from '@sdn/service-kit';
import { nodeScope } from '@sdn/render';
import { Agent } from './agent';
import { configFromEnv } from './config/agent-config';
import { ClusterDriver } from './dataplane/cluster-driver';

/**
 * The agent's own code path (durable bundle consumer, facts, status, last
 * bundle at start) under its node identity, on a nats-server running the
 * generated config — and the same agent pointed at another node's name
 * with its credentials gets nothing of that node's.
 */
const reason = PrivateNatsServer.binary() ? null : 'nats-server is not installed';
if (reason) console.log(`agent NATS identity tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

suite('Agent under its NATS identity (generated server config)', () => {
  let nats: PrivateNatsServer;
  let driver: ClusterDriver;
  let config: Bus;
  let dir: string;
  const logs: string[] = [];
  const seed = (name: string) => join(dir, 'ids', `${name}.nk`);
  const agentAs = (node: string, identity: string, env: Record<string, string> = {}) =>
    new Agent(
      configFromEnv({ SDN_NODE_NAME: node, SDN_NATS_URL: nats.url, SDN_AGENT_ROOT: join(dir, 'root', node), SDN_HEARTBEAT_MS: '300', SDN_AGENT_KERNEL_FACTS: '0', NATS_NKEY_FILE: seed(identity), ...env }),
      (m) => logs.push(`${node}: ${m}`),
    );
  const files = (node: string) => ({ interfaces: `#version:1\n# ${node}\n\nauto v1\niface v1\n\tbridge_ports none\n` });
  const running = { version: 1, zones: { ids: { z1: { type: 'simple' } } }, vnets: { ids: { v1: { zone: 'z1' } } } };
  /** What the config service does for a bundle: make sure of the node's consumer, then publish. */
  const publish = async (b: InlineNodeBundleV1) => {
    await ensureDurableConsumer(config.jsm, nodeBundleConsumer(busTopology(''), b.node));
    await driver.publishBundle(b);
  };
  const bundle = (node: string, version = 1) => driver.bundle(node, version, files(node), nodeScope({ ...running, version }, node));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-identity-'));
    const conf = join(dir, 'nats.conf');
    writeNatsServerConfig({ identityDir: join(dir, 'ids'), out: conf, topology: busTopology(''), nodes: ['pva', 'pvb', 'pvc'] });
    nats = await PrivateNatsServer.start('127.0.0.1', { config: readFileSync(conf, 'utf8') });
    // The config service's identity publishes the bundles, as in production.
    driver = await ClusterDriver.connect(nats.url, busConnectionOptions({ name: 'driver', url: nats.url, credentials: { nkeyFile: seed('config-service') } }));
    config = await connectBus({ name: 'config', url: nats.url, credentials: { nkeyFile: seed('config-service') }, log: silentLogger });
  });
  afterAll(async () => {
    await config?.close();
    await driver?.close();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies its own bundle, publishes facts and status, and reads its last bundle after a restart', async () => {
    const agent = agentAs('pva', 'node-pva');
    await agent.start();
    try {
      await publish(bundle('pvb'));
      await publish(bundle('pva'));
      await driver.waitStatus('pva', (s) => s.version === 1 && s.apply.state === 'applied' && s.vnets.v1?.state === 'available');
      expect(readFileSync(join(dir, 'root/pva/etc/network/interfaces.d/sdn'), 'utf8')).toBe(files('pva').interfaces);
      expect(await driver.facts('pva')).toMatchObject({ nodename: 'pva' });
    } finally {
      await agent.stop();
    }
    // Nothing left to consume: the zones come from the direct get of its own last bundle.
    logs.length = 0;
    const again = agentAs('pva', 'node-pva');
    await again.start();
    try {
      expect(await driver.status('pva')).toMatchObject({ version: 1, zones: { z1: { state: 'available' } } });
      expect(logs.filter((l) => /not readable|not published|PERMISSIONS/i.test(l))).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('is ready with no bundle published for its node, not while one waits for its consumer, and once it is applied', async () => {
    const agent = agentAs('pvc', 'node-pvc');
    const ready = async () => (await Promise.all(Object.values(agent.readinessChecks()).map(runCheck))).every(Boolean);
    await agent.start();
    try {
      // Before anything was applied the config service has not created the node's consumer: nothing to apply.
      expect(await ready()).toBe(true);
      // A bundle in the stream that the agent cannot consume yet (its consumer is the config service's to create).
      await driver.publishBundle(bundle('pvc'));
      expect(await ready()).toBe(false);
      await ensureDurableConsumer(config.jsm, nodeBundleConsumer(busTopology(''), 'pvc'));
      await driver.waitStatus('pvc', (s) => s.version === 1 && s.apply.state === 'applied');
      // The ack follows the status by a moment.
      const deadline = Date.now() + 10_000;
      while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await ready()).toBe(true);
    } finally {
      await agent.stop();
    }
  });

  it("run with node A's credentials as node B, gets none of B's bundle and publishes nothing for B", async () => {
    // As configured (replies under B's inbox prefix): the server refuses the connection's reply subscription.
    await expect(agentAs('pvb', 'node-pva').start()).rejects.toThrow(/Permissions Violation for Subscription to "_INBOX_node_pvb\./);
    // With A's inbox prefix it gets further, and is refused at each of B's subjects.
    logs.length = 0;
    const impostor = agentAs('pvb', 'node-pva', { NATS_INBOX_PREFIX: '_INBOX_node_pva' });
    await impostor.start();
    try {
      await publish(bundle('pvb'));
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await impostor.stop();
    }
    expect(existsSync(join(dir, 'root/pvb/etc/network/interfaces.d/sdn'))).toBe(false);
    expect(await driver.status('pvb')).toBeNull();
    expect(await driver.facts('pvb')).toBeNull();
    const denied = logs.filter((l) => l.includes('Permissions Violation'));
    expect(denied.some((l) => l.includes('bundle consumer:') && l.includes('SDN_BUNDLES.node-agent-pvb'))).toBe(true);
    expect(denied.some((l) => l.includes('status not published'))).toBe(true);
    expect(denied.some((l) => l.includes('facts not published'))).toBe(true);
    expect(denied.some((l) => l.includes('latest bundle not readable'))).toBe(true);
  });

  it('waits for the services to create the streams it may not create itself', async () => {
    const admin = await connectBus({ name: 'admin', url: nats.url, credentials: { nkeyFile: seed('admin') }, log: silentLogger });
    try {
      for (const st of sdnStreamSpecs(busTopology(''))) await admin.jsm.streams.delete(st.name);
      logs.length = 0;
      const agent = agentAs('pva', 'node-pva');
      let started = false;
      const starting = agent.start().then(() => void (started = true));
      try {
        await new Promise((r) => setTimeout(r, 1500));
        expect(started).toBe(false);
        expect(logs.some((l) => l.includes('waiting for the services to create the streams'))).toBe(true);
        await ensureStreams(config.jsm, sdnStreamSpecs(busTopology('')));
        await starting;
        await publish(bundle('pva', 2));
        await driver.waitStatus('pva', (s) => s.apply.version === 2 && s.apply.state === 'applied');
      } finally {
        await starting.catch(() => undefined);
        await agent.stop();
      }
    } finally {
      await admin.close();
    }
  });

  it("answers the API's questions on its own query subject; no service may listen there", async () => {
    const agent = agentAs('pva', 'node-pva');
    await agent.start();
    const api = await connectBus({ name: 'api', url: nats.url, credentials: { nkeyFile: seed('api') }, log: silentLogger });
    try {
      const contracts = { request: CONTRACTS.nodeQuery, reply: CONTRACTS.nodeQueryReply };
      // Safe mode has no live state to report, and says so: the question and the answer went through.
      expect(await requestContract(api.nc, 'sdn.node.pva.query', contracts, { v: 1, query: 'mac-vrf', vni: 100 }, 5000)).toEqual({ v: 1, ok: false, error: expect.stringMatching(/safe mode/) });
      const errors: string[] = [];
      const spy = await connectBus({ name: 'spy', url: nats.url, credentials: { nkeyFile: seed('dns-service') }, log: silentLogger });
      try {
        spy.nc.subscribe('sdn.node.pva.query', { callback: (err) => err && errors.push(err.message) });
        await new Promise((r) => setTimeout(r, 500));
        expect(errors.join(' ')).toMatch(/Permissions Violation for Subscription to "sdn\.node\.pva\.query"/);
      } finally {
        await spy.close();
      }
    } finally {
      await api.close();
      await agent.stop();
    }
  });
});
