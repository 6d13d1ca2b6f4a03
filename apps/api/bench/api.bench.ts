/**
 * `npm run bench:api`: write throughput and latency of the API.
 *
 * 1. The acceptance figure: the API runs as a child process on its own fresh
 *    database; one vxlan zone, then 2000 vnets (distinct VNIs, so every write
 *    runs the cross-object tag checks) POSTed by 16 concurrent keep-alive
 *    clients. Prints writes/s and p50/p99 latency.
 * 2. Where the time goes: the cost of one domain edit (@sdn/model
 *    createObject) at the sizes the bench goes through; every write is
 *    serialised through it, so 1000/cost bounds the throughput.
 * 3. The same API when the domain edit is cheap (PUT on a 1-zone config), and
 *    the write machinery alone (group commit, lock, append, outbox,
 *    projections; no HTTP, no validation).
 *
 * NATS (the outbox relay) is off by default so a bench never floods the
 * shared SDN_EVENTS stream; `--relay` turns it on.
 * Options: --count N (2000) --clients C (16) --relay --profile DIR --store-only
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { createTestDatabase, EventStore, openEventStoreDataSource } from '@sdn/event-store';
import { createObject, type SdnConfig } from '@sdn/model';
import type { EventStoreService } from '../src/core/database';
import { SdnStateService } from '../src/core/sdn-state.service';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const COUNT = opt('count', 2000);
const CLIENTS = opt('clients', 16);
const RELAY = args.includes('--relay');
/** `--profile DIR`: write a V8 CPU profile of the API process there. */
const PROFILE = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
const PORT = 18000 + Math.floor(Math.random() * 1000);
const SECRET = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const AUTH = `PVEAPIToken=bench@pve!bench=${SECRET}`;
const ROOT = path.resolve(__dirname, '../../..');
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

type Reply = { status: number; body: string };

function call(method: string, p: string, body?: object): Promise<Reply> {
  const data = body ? JSON.stringify(body) : undefined;
  const headers: http.OutgoingHttpHeaders = { Authorization: AUTH };
  if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, method, path: p === '/health' ? p : `/api2/json${p}`, agent, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(label: string, seconds: number, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `${label}: ${(latencies.length / seconds).toFixed(0)} writes/s, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms`;
}

/** Starts the API on `dbUrl` and waits for /health. */
async function startApi(dbUrl: string, profile?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '-r', './tools/register.js', 'apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SDN_DATABASE_URL: dbUrl, SDN_API_PORT: String(PORT), SDN_API_HOST: '127.0.0.1', SDN_BOOTSTRAP_TOKEN: `bench@pve!bench=${SECRET}`, SDN_API_NATS: RELAY ? '1' : '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    if (await call('GET', '/health').then((r) => r.status === 200, () => false)) {
      for (let w = 0; w < 50; w++) await call('GET', '/cluster/sdn/zones'); // warm-up, not measured
      return child;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error('API did not start');
}

async function stopApi(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Runs `work(i)` for i < COUNT from CLIENTS concurrent clients; returns per-call latencies (ms) and wall seconds. */
async function concurrently(work: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= COUNT) return;
        const t0 = process.hrtime.bigint();
        await work(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** COUNT requests from CLIENTS concurrent clients; returns the number of non-200 replies. */
async function runPhase(label: string, request: (i: number) => Promise<Reply>): Promise<number> {
  let failures = 0;
  const { latencies, seconds } = await concurrently(async (i) => {
    const r = await request(i);
    if (r.status !== 200 && failures++ < 3) console.error(`${label} #${i}: ${r.status} ${r.body}`);
  });
  console.log(`${summary(label, seconds, latencies)} (${COUNT - failures}/${COUNT} ok, ${CLIENTS} clients, ${seconds.toFixed(2)} s${RELAY ? ', relay on' : ''})`);
  return failures;
}

/** Cost of one @sdn/model createObject on a config of `n` vnets like the bench's. */
function domainEditMs(n: number): number {
  const vnets: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) vnets[`b${i}`] = { type: 'vnet', zone: 'bench', tag: i + 1 };
  const config = { zones: { ids: { bench: { type: 'vxlan', peers: '192.0.2.1,192.0.2.2' } } }, vnets: { ids: vnets }, subnets: { ids: {} }, controllers: { ids: {} } } as unknown as SdnConfig;
  const rounds = 20;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) createObject(config, 'vnets', { vnet: `x${i}`, zone: 'bench', tag: n + 1 + i });
  return Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
}

/** The write machinery alone, in-process: no HTTP, no domain validation. */
async function storeOnly(url: string): Promise<void> {
  const ds = await openEventStoreDataSource(url, 4);
  const sdn = new SdnStateService(new EventStore(ds) as EventStoreService);
  await sdn.onModuleInit();
  const { latencies, seconds } = await concurrently(async (i) => {
    const object = { type: 'vnet', zone: 'bench', tag: 100000 + i };
    await sdn.execute(() => ({ events: [{ type: 'VnetCreated', aggregateType: 'vnet', aggregateId: `s${i}`, payload: { id: `s${i}`, object } }] }), 'bench@pve!bench');
  });
  console.log(summary('write path only (no HTTP, no validation)', seconds, latencies));
  await sdn.beforeApplicationShutdown();
  await ds.destroy();
}

async function main(): Promise<void> {
  const db = await createTestDatabase('sdn_bench');
  const small = await createTestDatabase('sdn_bench');
  try {
    if (!args.includes('--store-only')) {
      // 1. Acceptance figure.
      let child = await startApi(db.url, PROFILE);
      try {
        const z = await call('POST', '/cluster/sdn/zones', { zone: 'bench', type: 'vxlan', peers: '192.0.2.1,192.0.2.2' });
        if (z.status !== 200) throw new Error(`zone: ${z.status} ${z.body}`);
        const failures = await runPhase(`POST /cluster/sdn/vnets, ${COUNT} new vnets`, (i) => call('POST', '/cluster/sdn/vnets', { vnet: `b${i}`, zone: 'bench', tag: i + 1 }));
        const listed = (JSON.parse((await call('GET', '/cluster/sdn/vnets')).body).data as unknown[]).length;
        console.log(`  vnets listed afterwards: ${listed}`);
        if (failures || listed !== COUNT) process.exitCode = 1;
      } finally {
        await stopApi(child);
      }
      // 2. Attribution.
      for (const n of [100, Math.floor(COUNT / 2), COUNT]) {
        const ms = domainEditMs(n);
        console.log(`domain edit (@sdn/model createObject) with ${n} vnets: ${ms.toFixed(2)} ms → ceiling ${(1000 / ms).toFixed(0)} writes/s`);
      }
      // 3a. The API when the domain edit is cheap.
      child = await startApi(small.url, PROFILE);
      try {
        await call('POST', '/cluster/sdn/zones', { zone: 'small', type: 'simple' });
        await runPhase(`PUT /cluster/sdn/zones/small, 1-zone config`, (i) => call('PUT', '/cluster/sdn/zones/small', { mtu: 1280 + (i % 1000) }));
      } finally {
        await stopApi(child);
      }
    }
    // 3b. The write machinery alone (on the big database: its state is loaded first).
    await storeOnly(db.url);
  } finally {
    agent.destroy();
    await db.drop();
    await small.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
