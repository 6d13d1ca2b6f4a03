import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { Agent } from './agent';
import { configFromEnv } from './config/agent-config';
import { ClusterDriver } from './dataplane/cluster-driver';

/**
 * The agent over real NATS in safe mode (files only, no root): durable
 * bundle delivery across agent downtime, a NATS server restart, and status
 * derived from the running config.
 */
const reason = PrivateNatsServer.binary() ? null : 'nats-server is not installed';
if (reason) console.log(`agent NATS tests skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

suite('Agent (safe mode, private NATS)', () => {
  let nats: PrivateNatsServer;
  let driver: ClusterDriver;
  let root: string;
  const logs: string[] = [];
  const newAgent = () =>
    new Agent(configFromEnv({ SDN_NODE_NAME: 'pve1', SDN_NATS_URL: nats.url, SDN_AGENT_ROOT: root, SDN_HEARTBEAT_MS: '300', SDN_AGENT_KERNEL_FACTS: '0' }), (m) => logs.push(m));
  const files = (v: number) => ({ interfaces: `#version:${v}\n\nauto vnet${v}\niface vnet${v}\n\tbridge_ports none\n` });
  const running = (v: number) => ({ version: v, zones: { ids: { z1: { type: 'simple' } } }, vnets: { ids: { [`vnet${v}`]: { zone: 'z1' } } } });

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

  it('applies a bundle and reports zones and vnets of the running config', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      await driver.publishRunning(running(1));
      await driver.publishBundle(driver.bundle('pve1', 1, files(1)));
      const s = await driver.waitStatus('pve1', (x) => x.version === 1 && x.vnets.vnet1?.state === 'available');
      expect(s.zones).toEqual({ z1: { state: 'available' } });
      expect(readFileSync(join(root, 'etc/network/interfaces.d/sdn'), 'utf8')).toBe(files(1).interfaces);
      expect(await driver.facts('pve1')).toMatchObject({ nodename: 'pve1' });
      // A newer running config not yet applied here is "pending" (spec §5).
      await driver.publishRunning(running(2));
      const p = await driver.waitStatus('pve1', (x) => x.zones.z1?.state === 'pending');
      expect(p.vnets.vnet2).toEqual({ zone: 'z1', state: 'pending', message: 'local sdn network configuration is too old, please reload' });
    } finally {
      await agent.stop();
    }
  });

  it('after downtime gets only the latest bundle', async () => {
    await driver.publishBundle(driver.bundle('pve1', 2, files(2)));
    await driver.publishBundle(driver.bundle('pve1', 3, files(3)));
    await driver.publishRunning(running(3));
    const agent = newAgent();
    await agent.start();
    try {
      await driver.waitStatus('pve1', (x) => x.version === 3 && x.apply.state === 'applied' && x.vnets.vnet3?.state === 'available');
      expect(logs.some((l) => l.startsWith('bundle version 2'))).toBe(false);
      expect(logs.filter((l) => l.startsWith('bundle version 3'))).toEqual([expect.stringMatching(/^bundle version 3: applied/)]);
    } finally {
      await agent.stop();
    }
  });

  it('keeps working across a NATS server restart', async () => {
    const agent = newAgent();
    await agent.start();
    try {
      await nats.restart();
      await driver.waitFor('reconnect', () => driver.nc.flush().then(() => true, () => false));
      await driver.publishBundle(driver.bundle('pve1', 4, files(4)));
      const s = await driver.waitStatus('pve1', (x) => x.version === 4 && x.apply.state === 'applied', 20000);
      expect(s.heartbeatAt >= s.apply.at).toBe(true);
    } finally {
      await agent.stop();
    }
  });
});
