/**
 * An `npm start`-style stack for the browser tests and the benchmark: the
 * launcher (tools/start.ts) with every app — API (serving the built panel),
 * config, IPAM and DNS services, one safe-mode node agent — on a fresh
 * PostgreSQL database and an isolated namespace of the machine's NATS, the API
 * on a free port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../../..');

export interface Stack {
  url: string;
  node: string;
  /** The stack's own copy of the bus (SDN_BUS_NAMESPACE) on `natsUrl`. */
  namespace: string;
  natsUrl: string;
  /** `root@pam!…=secret`, the bootstrap token. */
  rootToken: { id: string; secret: string };
  /** API call as root; returns `data`, throws on a non-2xx status. */
  api<T = unknown>(method: string, path: string, body?: object, token?: { id: string; secret: string }): Promise<T>;
  /** Raw answer (status and body), as root or as `token`. */
  raw(method: string, path: string, body?: object, token?: { id: string; secret: string }): Promise<{ status: number; body: { data?: unknown; errors?: Record<string, string>; message?: string } }>;
  stop(): Promise<void>;
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startStack(opts: { node?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const port = await freePort();
  const id = randomBytes(4).toString('hex');
  const node = opts.node ?? `web${id}`;
  const rootToken = { id: 'root@pam!panel', secret: randomUUID() as string };
  const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
  const pg = (process.env.SDN_TEST_PG || 'postgres://postgres@127.0.0.1:5432').replace(/\/$/, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `${pg}/sdn_web_${id}`,
    SDN_DATABASE_URL: `${pg}/sdn_web_${id}`,
    IPAM_PG_URL: `${pg}/sdn_web_${id}`,
    NATS_URL: natsUrl,
    SDN_NATS_URL: natsUrl,
    SDN_BUS_NAMESPACE: `web${id}`,
    SDN_API_HOST: '127.0.0.1',
    SDN_API_PORT: String(port),
    SDN_API_TLS: 'off',
    SDN_NODE_NAME: node,
    SDN_BOOTSTRAP_TOKEN: `${rootToken.id}=${rootToken.secret}`,
    SDN_SECRET_KEY: randomBytes(32).toString('hex'),
    ...opts.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['-r', './tools/register.js', 'tools/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const auth = (t = rootToken) => `PVEAPIToken=${t.id}=${t.secret}`;
  const raw: Stack['raw'] = async (method, path, body, token) => {
    const r = await fetch(`${url}/api2/json${path}`, { method, headers: { Authorization: auth(token), ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  };
  const api: Stack['api'] = async (method, path, body, token) => {
    const r = await fetch(`${url}/api2/json${path}`, { method, headers: { Authorization: auth(token), ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const json = (await r.json().catch(() => ({}))) as { data?: unknown };
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json.data as never;
  };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
  };
  try {
    await until('the API', async () => (await fetch(`${url}/health`)).ok, 120_000);
    await until('ipam-service', async () => (await raw('GET', '/cluster/sdn/ipams/pve/status')).status === 200);
    await until(`node ${node} to report`, async () => ((await api<{ nodes: { node: string }[] }>('GET', '/cluster/sdn/status')).nodes.some((n) => n.node === node) ? true : undefined));
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- stack output ---\n${output.slice(-6000)}`);
  }
  return { url, node, namespace: `web${id}`, natsUrl, rootToken, api, raw, stop, log: () => output };
}
