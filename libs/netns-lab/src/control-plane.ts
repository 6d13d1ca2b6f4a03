import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection, type Subscription } from 'nats';
import type { NodeStatusV1 } from '@sdn/contracts';
import { generateSecretKey } from '@sdn/secrets';
import { adminQuery } from '@sdn/event-store';
import { freePort } from './nats-server';

export type ServiceName = 'api' | 'config-service' | 'ipam-service' | 'dns-service';

export interface ControlPlaneOptions {
  /** Repository root: the services run from its sources (`node -r tools/register.js apps/…/main.ts`). */
  repo: string;
  natsUrl: string;
  /** Folder for `api.log` and `config-service.log`. */
  logDir: string;
  /** PostgreSQL server URL without a database (default `SDN_LAB_PG` or postgres://postgres@127.0.0.1:5432). */
  pgServer?: string;
  /**
   * Database on that server, re-created at start. A fixed name is
   * kept after stop for inspection; without one a random `sdn_dp_<hex>` is used and dropped by stop().
   */
  database?: string;
  /** Every spawned service, e.g. for a caller's kill-on-exit list. */
  onSpawn?(child: ChildProcess): void;
  log?(message: string): void;
  /** More environment for both services. */
  env?: NodeJS.ProcessEnv;
  /** Also run the IPAM service (`/cluster/sdn/vnets/{vnet}/ips`, the DHCP servers' static entries). */
  ipam?: boolean;
  /** Also run the DNS service (records in the DNS servers created through the API follow the IPAM's addresses). */
  dns?: boolean;
}

export interface ApiResponse {
  status: number;
  /** `data` of the JSON answer, or the raw text when it is not JSON. */
  data: unknown;
  /** `errors` of a refused request. */
  errors?: Record<string, string>;
  text: string;
}

const live = new Set<ControlPlane>();
let trapInstalled = false;

/**
 * The product's control plane on the host, private to one lab or test run:
 * the REST API and the config service as `npm start` runs them, on the
 * caller's NATS server and a fresh database, with a root API token. Also
 * follows node status on the core subject so callers can wait for agents.
 */
export class ControlPlane {
  private procs: Array<{ name: string; child: ChildProcess }> = [];
  private nc?: NatsConnection;
  private sub?: Subscription;
  readonly statuses = new Map<string, NodeStatusV1>();
  readonly token = `root@pam!lab=${randomUUID()}`;
  private port = 0;
  private dbName = '';
  private dropDb = false;
  private stopping = false;

  private constructor(private readonly o: ControlPlaneOptions) {}

  static async start(o: ControlPlaneOptions): Promise<ControlPlane> {
    const cp = new ControlPlane(o);
    installTrap();
    live.add(cp);
    try {
      await cp.boot();
    } catch (e) {
      await cp.stop();
      throw e;
    }
    return cp;
  }

  private get pgServer(): string {
    return this.o.pgServer || process.env.SDN_LAB_PG || 'postgres://postgres@127.0.0.1:5432';
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/api2/json`;
  }

  logPath(service: ServiceName): string {
    return join(this.o.logDir, `${service}.log`);
  }

  serviceLog(service: ServiceName): string {
    return existsSync(this.logPath(service)) ? readFileSync(this.logPath(service), 'utf8') : '';
  }

  private async boot(): Promise<void> {
    const o = this.o;
    const t0 = Date.now();
    const base = this.pgServer;
    this.dbName = o.database ?? `sdn_dp_${randomBytes(5).toString('hex')}`;
    this.dropDb = !o.database;
    await adminQuery(base, `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    await adminQuery(base, `CREATE DATABASE ${this.dbName}`);
    this.port = await freePort('127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SDN_API_HOST: '127.0.0.1',
      SDN_API_PORT: String(this.port),
      // The lab talks to the API over loopback with plain fetch.
      SDN_API_TLS: 'off',
      // Several labs (and npm start) may run on one machine: any free port for health and metrics.
      SDN_METRICS_PORT: '0',
      SDN_DATABASE_URL: `${base}/${this.dbName}`,
      SDN_NATS_URL: o.natsUrl,
      NATS_URL: o.natsUrl,
      SDN_BOOTSTRAP_TOKEN: this.token,
      SDN_NODE_NAME: 'labhost',
      // Objects with IPAM tokens or DNS keys are sealed with the caller's key or one of this run.
      SDN_SECRET_KEY: process.env.SDN_SECRET_KEY || generateSecretKey(),
      ...o.env,
    };
    // Core subscription: reconnects with the server (restart tests) and sees every status as published.
    this.nc = await connect({ servers: o.natsUrl, name: 'sdnlab-observer', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    this.sub = this.nc.subscribe('sdn.node.*.status', {
      callback: (_e, m) => {
        try {
          const st = m.json<NodeStatusV1>();
          this.statuses.set(st.node, st);
        } catch {
          /* not a status */
        }
      },
    });
    const register = join(o.repo, 'tools', 'register.js');
    const services: [ServiceName, string][] = [
      ['api', 'apps/api/src/main.ts'],
      ['config-service', 'apps/config-service/src/main.ts'],
      ...(o.ipam ? ([['ipam-service', 'apps/ipam-service/src/main.ts']] as [ServiceName, string][]) : []),
      ...(o.dns ? ([['dns-service', 'apps/dns-service/src/main.ts']] as [ServiceName, string][]) : []),
    ];
    for (const [name, main] of services) {
      if (!existsSync(join(o.repo, main))) throw new Error(`${main} does not exist yet`);
      const logFile = this.logPath(name);
      const out = createWriteStream(logFile);
      const child = spawn(process.execPath, ['-r', register, join(o.repo, main)], { cwd: o.repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      o.onSpawn?.(child);
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      child.on('exit', (code) => {
        if (!this.stopping) o.log?.(`${name} exited with ${code} (log: ${logFile})`);
      });
      this.procs.push({ name, child });
    }
    const deadline = Date.now() + 90000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/health`);
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      const dead = this.procs.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} died at start:\n${this.serviceLog(dead.name as 'api').slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`API did not answer /health in 90 s (log: ${this.logPath('api')})`);
      await sleep(200);
    }
    o.log?.(`control plane on the host: API ${this.baseUrl} + config-service (NATS ${o.natsUrl}, database ${this.dbName}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${o.logDir}`);
  }

  /**
   * One API call with the root token. `form`: parameters form-encoded, as
   * Proxmox clients (pvesh, proxmoxer, the web UI) send them; else JSON.
   */
  async request(method: string, path: string, params?: Record<string, string | number>, opts: { form?: boolean } = {}): Promise<ApiResponse> {
    let body: string | undefined;
    const headers: Record<string, string> = { Authorization: `PVEAPIToken=${this.token}` };
    if (params && opts.form) {
      body = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (params) {
      body = JSON.stringify(params);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(`${this.baseUrl}/${path}`, { method, headers, body });
    const text = await r.text();
    try {
      const j = JSON.parse(text) as { data: unknown; errors?: Record<string, string> };
      return { status: r.status, data: j.data, ...(j.errors ? { errors: j.errors } : {}), text };
    } catch {
      return { status: r.status, data: text, text };
    }
  }

  /** `data` of a successful call; any other status throws with the answer. */
  async api(method: string, path: string, params?: Record<string, string | number>, opts: { form?: boolean } = {}): Promise<unknown> {
    const r = await this.request(method, path, params, opts);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.text}`);
    return r.data;
  }

  async runningVersion(): Promise<number> {
    const r = await fetch(`http://127.0.0.1:${this.port}/health`);
    return ((await r.json()) as { version: number }).version;
  }

  /** Every node's agent has published a status (it is connected, has published facts). */
  async waitForNodes(nodes: string[], timeoutMs: number, diag: () => Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!nodes.every((n) => this.statuses.has(n))) {
      if (Date.now() > deadline) throw new Error(`no status from ${nodes.filter((n) => !this.statuses.has(n)).join(', ')} in ${timeoutMs / 1000} s:\n${await diag()}`);
      await sleep(300);
    }
  }

  /** Waits until every node reports the outcome (applied or error) of `version`. */
  async waitForApplied(nodes: string[], version: number, timeoutMs: number): Promise<NodeStatusV1[]> {
    const deadline = Date.now() + timeoutMs;
    const done = (n: string) => {
      const st = this.statuses.get(n);
      return !!st && st.apply.version >= version && st.apply.state !== 'pending';
    };
    while (!nodes.every(done)) {
      if (Date.now() > deadline) {
        const s = nodes.map((n) => `${n}: ${JSON.stringify(this.statuses.get(n)?.apply ?? null)}`).join('; ');
        throw new Error(`version ${version} not applied on every node in ${timeoutMs / 1000} s (${s})`);
      }
      await sleep(300);
    }
    return nodes.map((n) => this.statuses.get(n)!);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    live.delete(this);
    this.sub?.unsubscribe();
    await this.nc?.close().catch(() => undefined);
    await Promise.all(
      this.procs.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const t = setTimeout(() => child.kill('SIGKILL'), 10000);
            child.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    if (this.dropDb && this.dbName) {
      await adminQuery(this.pgServer, `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`).catch(() => undefined);
    }
  }

  killSync(): void {
    for (const { child } of this.procs) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function installTrap(): void {
  if (trapInstalled) return;
  trapInstalled = true;
  // A test run that dies without afterAll must not leave an API and config service behind.
  process.on('exit', () => {
    for (const cp of live) cp.killSync();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
