import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { bundleContentHash, CONTRACTS, type NodeBundleV1 } from '@sdn/contracts';
import { decodeJson, isolatedBus, readLastMessage, type IsolatedBus } from '@sdn/bus';
import { renderNode } from '@sdn/render';
import { factsMessage, sampleConfig } from './planner/test-fixtures';
import { publishConfigApplied, registerNode, until } from './testing/bus-fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const NODES = Array.from({ length: 12 }, (_, i) => [`n${i + 1}`, `10.0.0.${i + 1}`] as const);
const VERSIONS = 5;
const KILL_AT = 3;
// A vnet more in the zone every node carries, each version: every node gets a full bundle (version-only messages: config-service.spec).
const config = (v: number) => sampleConfig(v, { vnets: 300 + v });

const output: string[] = [];

/** The real entry point as a child process on the test's namespace. */
function startService(namespace: string): ChildProcess {
  // Without a namespace the child would consume the real streams.
  if (!namespace) throw new Error('test service needs a bus namespace');
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/config-service/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SDN_BUS_NAMESPACE: namespace, CONFIG_SERVICE_ACK_WAIT_MS: '1500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept for the failure message: the service's log says what it did.
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return child;
}

describe('config-service process (real NATS)', () => {
  let bus: IsolatedBus;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'config-service-main-spec' });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await bus.destroy();
  });

  it('killed mid-stream and restarted: every node ends on the latest bundle, none stored twice', async () => {
    for (const [n, ip] of NODES) await registerNode(bus, n, ip);
    // Watches publishes as they happen, to kill the service while it publishes version KILL_AT.
    const seen = new Map<number, number>();
    let killed = false;
    const sub = bus.nc.subscribe(bus.topology.streams.bundles.subjects, {
      callback: (_e, m) => {
        const b = decodeJson(m.data) as NodeBundleV1;
        seen.set(b.version, (seen.get(b.version) ?? 0) + 1);
        if (b.version === KILL_AT && !killed) {
          killed = true;
          child!.kill('SIGKILL');
        }
      },
    });
    const latestVersions = async () =>
      Promise.all(NODES.map(async ([n]) => (await readLastMessage(bus.jsm, bus.topology.streams.bundles.name, bus.topology.bundleSubject(n), CONTRACTS.nodeBundle))?.value.version));

    child = startService(bus.topology.namespace);
    for (let v = 1; v <= VERSIONS; v++) {
      await publishConfigApplied(bus, v, config(v));
      if (v === KILL_AT) {
        await until(() => child!.exitCode !== null || child!.signalCode !== null, 30_000);
        expect(child!.signalCode).toBe('SIGKILL');
        child = startService(bus.topology.namespace);
      }
      // One version at a time, so none is skipped as superseded and the count below is exact.
      await until(async () => (await latestVersions()).every((x) => x === v), 30_000).catch(async (e) => {
        throw new Error(`${e.message}: waiting for version ${v}, nodes at ${JSON.stringify(await latestVersions())}\n${output.join('')}`);
      });
    }
    sub.unsubscribe();

    for (const [n, ip] of NODES) {
      const last = await readLastMessage(bus.jsm, bus.topology.streams.bundles.name, bus.topology.bundleSubject(n), CONTRACTS.nodeBundle);
      expect(last?.value.hash).toBe(bundleContentHash(renderNode(config(VERSIONS), factsMessage(n, ip).facts as never)));
    }
    // One stored bundle per node and version: nothing lost, nothing stored twice across the kill.
    const info = await bus.jsm.streams.info(bus.topology.streams.bundles.name);
    expect(info.state.last_seq).toBe(NODES.length * VERSIONS);
    expect(seen.get(KILL_AT)).toBeGreaterThan(0);
  }, 120_000);

  it('stops cleanly on SIGTERM', async () => {
    child!.kill('SIGTERM');
    await until(() => child!.exitCode !== null, 15_000);
    expect(child!.exitCode).toBe(0);
  }, 30_000);
});
