/**
 * `npm run bench:scale`: the apply path on 1 000 nodes (issue 19). A private
 * NATS server (default 1 MiB max_payload, monitoring port for the traffic
 * figures), the API and the config service as child processes (one replica
 * each, as deployed), and BENCH_AGENTS (1 000) real node agents in safe mode
 * in this process, each with its own NATS connection, durable bundle
 * consumer, node name, underlay address and root directory where it writes
 * its files. What is simulated: the agents share one Node.js process (and
 * its event loop) instead of running on 1 000 hosts, and safe mode writes the
 * files without running ifreload/FRR (bench:agents and the lab cover those).
 * The agents' root directories are on tmpfs (/dev/shm) by default: 1 000
 * hosts each write and fsync to their own disk, while 1 000 agents in one
 * process on one disk queue ~4 fsyncs each behind libuv's 4 threads (a
 * one-vnet change measured 2.7 s there against 1.9-2.0 s on tmpfs, same
 * code, same hour). BENCH_AGENT_DIR=/tmp (any directory) measures that case.
 *
 * The config: BENCH_VNETS (2 500) VXLAN vnets with a subnet each, in zones of
 * BENCH_ZONE_NODES (25) nodes (the zone's `nodes` and `peers`): like a cloud's
 * hypervisors, a node carries the networks of its group, not all of them.
 * Round 1 applies the whole config (every node gets its first bundle); each
 * later round adds one vnet to one zone and applies it. Every node reports
 * the new version applied (its interfaces file starts with `#version:N`, as
 * Proxmox's does): the zone's nodes get a full bundle, the others a
 * version-only message (NodeBundleVersionV1) and rewrite that line.
 *
 * Per round: from `PUT /cluster/sdn` until every node reports the new
 * version applied (p50, p99, max; also the zone's own nodes for a one-vnet
 * change); the NATS server's traffic
 * meanwhile (messages and bytes in and out, from /varz: bundles, status,
 * heartbeats, JetStream API and acks alike); the config service's resident
 * memory (now and peak), its read/render/publish phases and how many nodes it rendered; and what the
 * apply task view (`GET /cluster/sdn/apply/{task}`) says.
 *
 * Env: BENCH_AGENTS (1000), BENCH_VNETS (2500), BENCH_ZONE_NODES (25),
 * BENCH_ROUNDS (3: one full apply, then one-vnet changes), BENCH_HEARTBEAT_MS (30000),
 * BENCH_AGENT_DIR (/dev/shm when it exists, else the system's temporary directory).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { bundleSubject, bundleVersionSubject } from '@sdn/contracts';
import { createTestDatabase } from '@sdn/event-store';
import { zonedSyntheticConfig } from '@sdn/model';
import { freePort, PrivateNatsServer } from '@sdn/netns-lab';
import { Agent } from '../src/agent';
import { configFromEnv } from '../src/config/agent-config';
import { BENCH_TOKEN, call, child, nodeInterfaces, pct, runningVersion, runBench, seedConfig, statusHead, stopRig, waitFor, type SeedConfig } from './harness';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const VNETS = Number(process.env.BENCH_VNETS ?? 2500);
const ZONE_NODES = Math.min(Number(process.env.BENCH_ZONE_NODES ?? 25), AGENTS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 30_000);
const AGENT_DIR = process.env.BENCH_AGENT_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

const nodeName = (i: number) => `scale-node${String(i + 1).padStart(4, '0')}`;
const nodeIp = (i: number) => `10.99.${(i + 1) >> 8}.${(i + 1) & 255}`;
const zoneOf = (i: number) => `sz${Math.floor(i / ZONE_NODES)}`;

interface Varz {
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
}

async function varz(port: number): Promise<Varz> {
  return (await fetch(`http://127.0.0.1:${port}/varz`)).json() as Promise<Varz>;
}

/** Resident and peak resident memory of a process (MiB), from /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const nodes = Array.from({ length: AGENTS }, (_, i) => nodeName(i));
  const monitor = await freePort('127.0.0.1');
  const nats = await PrivateNatsServer.start('127.0.0.1', { config: `http: "127.0.0.1:${monitor}"\n` });
  const db = await createTestDatabase();
  const work = mkdtempSync(join(AGENT_DIR, 'sdn-bench-scale-'));
  const port = await freePort('127.0.0.1');
  const children: ChildProcess[] = [];
  const agents: Agent[] = [];
  const nc = await connect({ servers: nats.url });
  const csLines: string[] = [];
  const started = Date.now();
  try {
    const config = zonedSyntheticConfig({ nodes: AGENTS, zoneNodes: ZONE_NODES, vnets: VNETS, nodeName, nodeIp }) as SeedConfig;
    const seeded = await seedConfig(db.url, config);
    console.log(`bench:scale: ${AGENTS} agents, ${VNETS} vnets in ${Object.keys(config.zones!.ids).length} VXLAN zones of ${ZONE_NODES} nodes (${seeded} events seeded); machine load ${load()}`);
    const api = child('api', 'apps/api/src/main.ts', { SDN_DATABASE_URL: db.url, SDN_NATS_URL: nats.url, SDN_API_PORT: String(port), SDN_API_TLS: 'off', SDN_BOOTSTRAP_TOKEN: BENCH_TOKEN, SDN_NODE_NAME: 'bench', SDN_BUS_NAMESPACE: '' }, (l) => {
      if (/"level":(50|60)|error/i.test(l)) console.error(`[api] ${l.slice(0, 500)}`);
    });
    const cs = child('config-service', 'apps/config-service/src/main.ts', { SDN_NATS_URL: nats.url, SDN_BUS_NAMESPACE: '' }, (l) => {
      csLines.push(l);
      if (/"level":(50|60)|fatal/i.test(l)) console.error(`[config-service] ${l.slice(0, 500)}`);
    });
    children.push(api, cs);
    await waitFor('api', () => call(port, 'GET', '/cluster/sdn').then((r) => r.status === 200, () => false));

    const agentErrors: string[] = [];
    for (const [i, node] of nodes.entries()) {
      const root = join(work, node);
      mkdirSync(join(root, 'etc', 'network'), { recursive: true });
      writeFileSync(join(root, 'etc', 'network', 'interfaces'), nodeInterfaces(nodeIp(i)));
      const cfg = configFromEnv({ SDN_NODE_NAME: node, SDN_AGENT_MODE: 'safe', SDN_AGENT_ROOT: root, SDN_NATS_URL: nats.url, SDN_AGENT_KERNEL_FACTS: '0', SDN_AGENT_KEEP_HISTORY: '1', SDN_HEARTBEAT_MS: String(HEARTBEAT_MS) });
      agents.push(new Agent(cfg, (msg) => /error|warning/.test(msg) && agentErrors.push(`[${node}] ${msg}`)));
    }
    let t = Date.now();
    // 50 at a time: each opens a connection and checks the streams.
    for (let i = 0; i < agents.length; i += 50) await Promise.all(agents.slice(i, i + 50).map((a) => a.start()));
    console.log(`${AGENTS} agents started in ${Date.now() - t} ms (safe mode, one process, roots under ${work}, heartbeat ${HEARTBEAT_MS} ms); API and config service as child processes; private NATS ${nats.url}`);
    for (const e of agentErrors.splice(0, 5)) console.error(e);

    const all = { full: [] as number[], change: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      let zone = '';
      if (round > 1) {
        // One vnet more in one zone (a different zone each round).
        zone = `sz${(round - 2) % Math.ceil(AGENTS / ZONE_NODES)}`;
        const r = await call(port, 'POST', '/cluster/sdn/vnets', { vnet: `add${round}`, zone, tag: 100000 + round });
        if (r.status !== 200) throw new Error(`POST vnet: ${r.status} ${r.text}`);
      }
      const version = (await runningVersion(port)) + 1;
      const want = new Set(nodes);
      const inZone = new Set(round === 1 ? [] : nodes.filter((_, i) => zoneOf(i) === zone));
      const done = new Map<string, number>();
      let bundles = 0;
      let bundleBytes = 0;
      let bumps = 0;
      let bumpBytes = 0;
      const bundleSub = nc.subscribe(bundleSubject('*'));
      void (async () => {
        for await (const m of bundleSub) {
          bundles++;
          bundleBytes += m.data.length;
        }
      })();
      const bumpSub = nc.subscribe(bundleVersionSubject('*'));
      void (async () => {
        for await (const m of bumpSub) {
          bumps++;
          bumpBytes += m.data.length;
        }
      })();
      const statusSub = nc.subscribe('sdn.node.*.status');
      const allDone = (async () => {
        for await (const m of statusSub) {
          const s = statusHead(m.data);
          if (s.version === version && s.apply.state === 'applied' && want.has(s.node) && !done.has(s.node)) {
            done.set(s.node, Date.now());
            if (done.size === want.size) break;
          }
        }
      })();
      const linesBefore = csLines.length;
      const before = await varz(monitor);
      const t0 = Date.now();
      const put = await call(port, 'PUT', '/cluster/sdn');
      const putMs = Date.now() - t0;
      if (put.status !== 200) throw new Error(`PUT /cluster/sdn: ${put.status} ${put.text}`);
      const timeout = setTimeout(() => statusSub.unsubscribe(), 600_000);
      await allDone;
      clearTimeout(timeout);
      const after = await varz(monitor);
      const lat = [...done.values()].map((x) => x - t0).sort((a, b) => a - b);
      if (lat.length < want.size) throw new Error(`round ${round}: only ${lat.length}/${want.size} nodes reported version ${version}`);
      bundleSub.unsubscribe();
      bumpSub.unsubscribe();
      statusSub.unsubscribe();
      (round === 1 ? all.full : all.change).push(...lat);
      const zoneLat = [...done].filter(([n]) => inZone.has(n)).map(([, x]) => x - t0).sort((a, b) => a - b);
      const mem = memoryOf(cs.pid!);
      const csLine = csLines.slice(linesBefore).find((l) => l.includes(`config: version ${version},`)) ?? '';
      const phases = /"readMs":(\d+),"renderMs":(\d+),"publishMs":(\d+)/.exec(csLine);
      const rendered = /"rendered":(\d+)/.exec(csLine)?.[1];
      const view = (await call(port, 'GET', `/cluster/sdn/apply/${encodeURIComponent(put.data as string)}`)).data as { done?: boolean; nodes?: { state: string }[] };
      const pending = view?.nodes?.filter((n) => n.state !== 'applied').length;
      console.log(
        `round ${round} (${round === 1 ? `full config, ${VNETS} vnets` : `one vnet added to ${zone}`}), version ${version}: ` +
          `PUT -> applied on all ${want.size} nodes: p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${lat[lat.length - 1]} ms (PUT answered in ${putMs} ms)` +
          (zoneLat.length ? `; on the ${zoneLat.length} nodes of ${zone}: p50 ${pct(zoneLat, 50)} ms, max ${zoneLat[zoneLat.length - 1]} ms` : '') +
          '\n' +
          `  bundles on the bus: ${bundles} (${(bundleBytes / 1024).toFixed(0)} KiB packed), version-only messages: ${bumps} (${(bumpBytes / 1024).toFixed(0)} KiB); NATS server traffic until the last node: ` +
          `${after.in_msgs - before.in_msgs} messages / ${((after.in_bytes - before.in_bytes) / 1048576).toFixed(1)} MiB in, ` +
          `${after.out_msgs - before.out_msgs} messages / ${((after.out_bytes - before.out_bytes) / 1048576).toFixed(1)} MiB out\n` +
          `  config service: read ${phases?.[1] ?? '?'} / render ${phases?.[2] ?? '?'} (${rendered ?? '?'} nodes rendered, the others' renders kept) / pack+publish ${phases?.[3] ?? '?'} ms; memory ${mem.rss.toFixed(0)} MiB resident, peak ${mem.peak.toFixed(0)} MiB\n` +
          `  apply task view: done ${view?.done}, ${pending} of ${view?.nodes?.length} nodes not at version ${version}; machine load ${load()}`,
      );
      for (const e of agentErrors.splice(0, 5)) console.error(e);
    }
    const sum = (xs: number[]) => (xs.sort((a, b) => a - b), xs.length ? `p50 ${pct(xs, 50)} ms, p99 ${pct(xs, 99)} ms, max ${xs[xs.length - 1]} ms (${xs.length} samples)` : 'no samples');
    console.log(`full config on ${AGENTS} nodes: ${sum(all.full)} (target max < 10 000 ms)`);
    console.log(`one-vnet change: ${sum(all.change)} (target max < 2 000 ms)`);
    console.log(`harness (${AGENTS} agents) memory ${memoryOf(process.pid).rss.toFixed(0)} MiB; total ${((Date.now() - started) / 1000).toFixed(0)} s; machine load ${load()}`);
  } finally {
    await stopRig({ agents, children, nc, nats, db, work });
  }
}

runBench(main);
