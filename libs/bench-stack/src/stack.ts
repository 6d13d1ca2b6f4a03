/**
 * The control plane as separate processes for benchmarks: the API (NATS and outbox relay on)
 * and N ipam-service replicas, on given databases and a bus namespace, plus a lean keep-alive
 * HTTP client for the API (http-client.ts). Used by bench:ipam and bench:dns.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { LeanHttpClient } from './http-client';

const ROOT = path.resolve(__dirname, '../../..');
const SECRET = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const AUTH = `PVEAPIToken=bench@pve!bench=${SECRET}`;

export interface StackOptions {
  apiDbUrl: string;
  ipamDbUrl: string;
  namespace: string;
  ipamReplicas?: number;
  natsUrl?: string;
  /** extra environment for every process (e.g. SDN_SECRET_KEY) */
  env?: NodeJS.ProcessEnv;
  /** directory for V8 CPU profiles of every process */
  profileDir?: string;
  /** keep-alive sockets of the HTTP client */
  sockets?: number;
}

export interface Reply {
  status: number;
  body: any;
}

export interface Stack {
  /** One API request; the body is parsed JSON. */
  call(method: string, p: string, body?: object): Promise<Reply>;
  /** Like call, but throws unless HTTP 200; returns `data`. */
  ok(method: string, p: string, body?: object): Promise<any>;
  stop(): Promise<void>;
}

export async function until(what: string, f: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const natsUrl = o.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const port = 19000 + Math.floor(Math.random() * 1000);
  const client = new LeanHttpClient(port, { sockets: o.sockets ?? 64, headers: { Authorization: AUTH } });
  const node = (script: string, env: NodeJS.ProcessEnv, name: string): ChildProcess => {
    const prof = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
    return spawn(process.execPath, [...prof, '-r', './tools/register.js', script], { cwd: ROOT, env: { ...process.env, SDN_METRICS_PORT: '0', ...o.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const children = Array.from({ length: o.ipamReplicas ?? 2 }, (_, i) =>
    node('apps/ipam-service/src/main.ts', { IPAM_PG_URL: o.ipamDbUrl, NATS_URL: natsUrl, SDN_BUS_NAMESPACE: o.namespace, IPAM_POOL_SIZE: '16' }, `ipam-${i + 1}`),
  );
  children.push(
    node('apps/api/src/main.ts', { SDN_DATABASE_URL: o.apiDbUrl, SDN_API_PORT: String(port), SDN_API_HOST: '127.0.0.1', SDN_API_TLS: 'off', SDN_BOOTSTRAP_TOKEN: `bench@pve!bench=${SECRET}`, SDN_API_NATS: '1', SDN_API_RELAY: '1', SDN_NATS_URL: natsUrl, SDN_BUS_NAMESPACE: o.namespace }, 'api'),
  );

  const call = async (method: string, p: string, body?: object): Promise<Reply> => {
    const r = await client.request(method, p === '/health' ? p : `/api2/json${p}`, body ? JSON.stringify(body) : undefined);
    return { status: r.status, body: r.text ? JSON.parse(r.text) : undefined };
  };
  const ok = async (method: string, p: string, body?: object) => {
    const r = await call(method, p, body);
    if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  const stop = async () => {
    client.close();
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  };
  try {
    await until('API up', async () => (await call('GET', '/health')).status === 200);
    // The pve IPAM's status is answered by an ipam-service replica: all of them are listening once it answers.
    await until('ipam-service up', async () => (await call('GET', '/cluster/sdn/ipams/pve/status')).status === 200);
  } catch (e) {
    await stop();
    throw e;
  }
  return { call, ok, stop };
}
