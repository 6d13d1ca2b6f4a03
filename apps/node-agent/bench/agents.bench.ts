/**
 * `npm run bench:agents`: the whole apply path at scale. A private NATS
 * server with the default 1 MiB max_payload, the API and the config service
 * as child processes (as deployed), and 50 node agents in safe mode in this
 * process (each with its own NATS connection, durable consumer and root
 * directory whose /etc/network/interfaces gives it an underlay address).
 * The database is seeded with a 2500-vnet VXLAN config (all 50 nodes as
 * peers, a subnet per vnet). Each round adds one vnet through the API, then
 * the clock starts at `PUT /cluster/sdn` and stops, per node, when that
 * node's status reports the new version applied.
 *
 * Printed per round: p50/p99/max, and where the time went — PUT response,
 * ConfigApplied on the bus, the config service's read/render/publish
 * phases, first and last bundle on the bus, the agents' own apply step,
 * `GET /cluster/sdn/apply/{task}`'s slowest node, and the status messages
 * (count, bytes) the API had to read meanwhile.
 *
 * Env: BENCH_AGENTS (50), BENCH_VNETS (2500), BENCH_ROUNDS (3), BENCH_PROFILE_DIR
 * (CPU profiles of the API and config service; this process: node --cpu-prof).
 */
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { bundleSubject, eventSubject } from '@sdn/contracts';
import { createTestDatabase } from '@sdn/event-store';
import { syntheticConfig } from '@sdn/model';
import { PrivateNatsServer } from '@sdn/netns-lab';
import { Agent } from '../src/agent';
import { configFromEnv } from '../src/config/agent-config';
import { BENCH_TOKEN, call, child, nodeInterfaces, pct, runningVersion, runBench, seedConfig, statusHead, stopRig, waitFor, type SeedConfig } from './harness';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const VNETS = Number(process.env.BENCH_VNETS ?? 2500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The synthetic config as creation events (setup, not measured); the EVPN zone needs a controller: left out. */
async function seed(dbUrl: string, peers: string[]): Promise<void> {
  const config = syntheticConfig({ vxlan: VNETS, evpn: 0, peers }) as SeedConfig;
  delete config.zones!.ids.evzone;
  await seedConfig(dbUrl, config);
}

async function main(): Promise<void> {
  const nodes = Array.from({ length: AGENTS }, (_, i) => `bench-node${String(i + 1).padStart(2, '0')}`);
  const ips = nodes.map((_, i) => `10.99.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`);
  // Default max_payload (1 MiB): bundles must fit packed, as on the CI server.
  const nats = await PrivateNatsServer.start('127.0.0.1');
  const db = await createTestDatabase();
  const work = mkdtempSync(join(tmpdir(), 'sdn-bench-agents-'));
  const port = 19000 + Math.floor(Math.random() * 1000);
  const children: ChildProcess[] = [];
  const agents: Agent[] = [];
  const nc = await connect({ servers: nats.url });
  const csLines: string[] = [];
  try {
    await seed(db.url, ips);
    children.push(
      child('api', 'apps/api/src/main.ts', { SDN_DATABASE_URL: db.url, SDN_NATS_URL: nats.url, SDN_API_PORT: String(port), SDN_API_TLS: 'off', SDN_BOOTSTRAP_TOKEN: BENCH_TOKEN, SDN_NODE_NAME: 'bench', SDN_BUS_NAMESPACE: '' }, (l) => {
        if (/error/i.test(l)) console.error(`[api] ${l}`);
      }),
      child('config-service', 'apps/config-service/src/main.ts', { NATS_URL: nats.url, SDN_BUS_NAMESPACE: '' }, (l) => {
        csLines.push(l);
        if (/error|fatal/i.test(l)) console.error(l);
      }),
    );
    await waitFor('api', () => call(port, 'GET', '/cluster/sdn').then((r) => r.status === 200, () => false));

    const applyMs: number[] = [];
    for (const [i, node] of nodes.entries()) {
      const root = join(work, node);
      mkdirSync(join(root, 'etc', 'network'), { recursive: true });
      writeFileSync(join(root, 'etc', 'network', 'interfaces'), nodeInterfaces(ips[i]));
      agents.push(
        new Agent(
          configFromEnv({ SDN_NODE_NAME: node, SDN_AGENT_MODE: 'safe', SDN_AGENT_ROOT: root, SDN_NATS_URL: nats.url, SDN_AGENT_KERNEL_FACTS: '0', SDN_AGENT_KEEP_HISTORY: '1', SDN_HEARTBEAT_MS: '5000' }),
          (msg) => {
            const m = /: (applied|unchanged) in (\d+) ms/.exec(msg);
            if (m) applyMs.push(Number(m[2]));
            else if (/error|warning/.test(msg)) console.error(`[${node}] ${msg}`);
          },
        ),
      );
    }
    let t = Date.now();
    await Promise.all(agents.map((a) => a.start()));
    console.log(`${AGENTS} agents started in ${Date.now() - t} ms (safe mode, one process); API and config service as child processes; private NATS at ${nats.url}, max_payload ${nc.info?.max_payload} bytes`);

    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Each round changes the config, so every node has real work (round 1: first apply of the seeded config).
      if (round > 1) {
        const r = await call(port, 'POST', '/cluster/sdn/vnets', { vnet: `bench${round}`, zone: 'vxzone', tag: 100000 + round });
        if (r.status !== 200) throw new Error(`POST vnet: ${r.status} ${r.text}`);
      }
      const done = new Map<string, number>();
      // Nobody else writes: the PUT commits the next version.
      const version = (await runningVersion(port)) + 1;
      let firstBundle = 0;
      let lastBundle = 0;
      let bundleBytes = 0;
      let eventAt = 0;
      const statusSub = nc.subscribe('sdn.node.*.status');
      const bundleSub = nc.subscribe(bundleSubject('*'));
      const eventSub = nc.subscribe(eventSubject('config', 'ConfigApplied'));
      void (async () => {
        for await (const m of bundleSub) {
          lastBundle = Date.now();
          firstBundle ||= lastBundle;
          bundleBytes = Math.max(bundleBytes, m.data.length);
        }
      })();
      void (async () => {
        for await (const _m of eventSub) eventAt ||= Date.now();
      })();
      let statusMsgs = 0;
      let statusBytes = 0;
      const allDone = (async () => {
        for await (const m of statusSub) {
          statusMsgs++;
          statusBytes += m.data.length;
          const s = statusHead(m.data);
          if (s.version === version && s.apply.state === 'applied' && !done.has(s.node)) {
            done.set(s.node, Date.now());
            if (done.size === nodes.length) break;
          }
        }
      })();
      const linesBefore = csLines.length;
      const t0 = Date.now();
      const put = await call(port, 'PUT', '/cluster/sdn');
      const putMs = Date.now() - t0;
      if (put.status !== 200) throw new Error(`PUT /cluster/sdn: ${put.status} ${put.text}`);
      const task = put.data as string;
      const timeout = setTimeout(() => statusSub.unsubscribe(), 300_000);
      await allDone;
      clearTimeout(timeout);
      statusSub.unsubscribe();
      bundleSub.unsubscribe();
      eventSub.unsubscribe();
      const lat = [...done.values()].map((x) => x - t0).sort((a, b) => a - b);
      if (lat.length < nodes.length) throw new Error(`round ${round}: only ${lat.length}/${nodes.length} nodes reported version ${version}`);
      all.push(...lat);
      const applied = applyMs.splice(0).sort((a, b) => a - b);
      const cs = csLines.slice(linesBefore).find((l) => l.includes(`config: version ${version},`)) ?? '';
      const phases = /"readMs":(\d+),"renderMs":(\d+),"publishMs":(\d+)/.exec(cs);
      const view = (await call(port, 'GET', `/cluster/sdn/apply/${encodeURIComponent(task)}`)).data as { slowest?: { node: string; ms: number }; done?: boolean };
      console.log(
        `round ${round}: version ${version}, ${VNETS + round - 1} vnets, largest bundle on the wire ${(bundleBytes / 1024).toFixed(0)} KiB; ` +
          `PUT -> applied on all ${nodes.length}: p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${lat[lat.length - 1]} ms\n` +
          `  breakdown (ms from PUT): PUT response ${putMs}, ConfigApplied on bus ${eventAt - t0}, ` +
          `config service read ${phases?.[1] ?? '?'} / render ${phases?.[2] ?? '?'} / pack+publish ${phases?.[3] ?? '?'}, ` +
          `first bundle ${firstBundle - t0}, last bundle ${lastBundle - t0}, first node applied ${lat[0]}; ` +
          `agent apply step p50 ${pct(applied, 50)} max ${applied[applied.length - 1]}; ` +
          `apply task view: done ${view?.done}, slowest ${view?.slowest?.node} (${view?.slowest?.ms} ms); ` +
          `status messages until the last node: ${statusMsgs} (${(statusBytes / 1024).toFixed(0)} KiB)`,
      );
    }
    all.sort((a, b) => a - b);
    console.log(`ALL ${all.length} samples (${AGENTS} agents x ${ROUNDS} rounds): p50 ${pct(all, 50)} ms, p99 ${pct(all, 99)} ms, max ${all[all.length - 1]} ms`);
  } finally {
    await stopRig({ agents, children, nc, nats, db, work });
  }
}

runBench(main);
