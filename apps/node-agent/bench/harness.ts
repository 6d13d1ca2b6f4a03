/**
 * What bench:agents and bench:scale share: the API over plain HTTP, child
 * processes with their output by line, a config seeded as creation events,
 * and the head of a status message read without parsing it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NodeStatus } from '@sdn/contracts';
import { EventStore, objectEventType, openEventStoreDataSource, SECTION_META, type NewEvent, type SectionName } from '@sdn/event-store';

export const ROOT = resolve(__dirname, '../../..');
export const BENCH_SECRET = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
export const BENCH_TOKEN = `bench@pve!bench=${BENCH_SECRET}`;
const AUTH = `PVEAPIToken=${BENCH_TOKEN}`;

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function call(port: number, method: string, path: string, body?: object): Promise<{ status: number; data: unknown; text: string }> {
  const data = body ? JSON.stringify(body) : undefined;
  const headers: http.OutgoingHttpHeaders = { Authorization: AUTH };
  if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: `/api2/json${path}`, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = null;
        try {
          parsed = (JSON.parse(text) as { data: unknown }).data;
        } catch {
          /* not JSON */
        }
        ok({ status: res.statusCode ?? 0, data: parsed, text });
      });
    });
    req.on('error', fail);
    req.end(data);
  });
}

/** Sections of a config as `{ ids: { id: object } }`, the shape of RunningConfig. */
export type SeedConfig = Partial<Record<'zones' | 'vnets' | 'subnets' | 'controllers', { ids: Record<string, Record<string, unknown>> }>>;

/** A config as creation events, appended in one transaction (setup, not measured). */
export async function seedConfig(dbUrl: string, config: SeedConfig, sections: SectionName[] = ['zones', 'vnets', 'subnets']): Promise<number> {
  const ds = await openEventStoreDataSource(dbUrl, 2);
  try {
    const events: NewEvent[] = [];
    for (const section of sections) {
      for (const [id, object] of Object.entries(config[section as keyof SeedConfig]?.ids ?? {})) {
        events.push({
          type: objectEventType(section, 'Created'),
          typeVersion: 1,
          aggregateType: SECTION_META[section].aggregate,
          aggregateId: id,
          aggregateVersion: 1,
          payload: { id, object },
          actor: 'bench@pve!bench',
          correlationId: randomUUID(),
        });
      }
    }
    await new EventStore(ds).write((tx) => tx.append(events));
    return events.length;
  } finally {
    await ds.destroy();
  }
}

/** A product process; its output by line to `onLine`. BENCH_PROFILE_DIR: a V8 CPU profile of it lands there. */
export function child(name: string, script: string, env: NodeJS.ProcessEnv, onLine: (l: string) => void): ChildProcess {
  const prof = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const p = spawn(process.execPath, [...prof, '-r', './tools/register.js', script], { cwd: ROOT, env: { ...process.env, SDN_METRICS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [p.stdout!, p.stderr!]) {
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
  p.on('exit', (code) => code && code !== 0 && console.error(`${name} exited with ${code}`));
  return p;
}

export async function stopChildren(children: ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
}

/** What a bench started, taken down agents first and the work directory last. */
export interface BenchRig {
  agents: { stop(): Promise<void> }[];
  children: ChildProcess[];
  nc: { close(): Promise<void> };
  nats: { destroy(): Promise<void> };
  db: { drop(): Promise<void> };
  work: string;
}

export async function stopRig(r: BenchRig): Promise<void> {
  await Promise.all(r.agents.map((a) => a.stop()));
  await stopChildren(r.children);
  await r.nc.close();
  await r.nats.destroy();
  await r.db.drop();
  rmSync(r.work, { recursive: true, force: true });
}

/** A bench's entry point: exit 0 when it finished, 1 with the error otherwise (open handles never keep it alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The running config version, from the API's /health. */
export async function runningVersion(port: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/health`);
  return ((await r.json()) as { version: number }).version;
}

/** A node's /etc/network/interfaces: vmbr0 with its underlay address (the agent's facts read it). */
export function nodeInterfaces(ip: string): string {
  return `auto lo\niface lo inet loopback\n\nauto vmbr0\niface vmbr0 inet static\n\taddress ${ip}/16\n\tbridge-ports eth0\n\tbridge-stp off\n\tbridge-fd 0\n\nsource /etc/network/interfaces.d/*\n`;
}

const HEAD = /^\{"node":"([^"]+)","version":(\d+),"apply":\{"version":\d+,"state":"(\w+)"/;
const utf8 = new TextDecoder();

/**
 * Node, version and apply state of a status message (v1 or v2). The harness
 * shares the agents' event loop, so it reads the head of each status instead
 * of parsing it; the agent writes these fields first.
 */
export function statusHead(data: Uint8Array): Pick<NodeStatus, 'node' | 'version'> & { apply: Pick<NodeStatus['apply'], 'state'> } {
  const m = HEAD.exec(utf8.decode(data.subarray(0, 200)));
  if (m) return { node: m[1], version: Number(m[2]), apply: { state: m[3] as NodeStatus['apply']['state'] } };
  return JSON.parse(utf8.decode(data)) as NodeStatus;
}
