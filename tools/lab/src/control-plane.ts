import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { Client } from 'pg';
import type { NodeStatusV1 } from '@sdn/contracts';
import { track } from './children';
import { log } from './log';
import { freePort } from './nats-server';

export interface ControlPlaneOptions {
  repo: string;
  natsUrl: string;
  runDir: string;
}

/**
 * The product's control plane on the host, private to one lab run: the REST
 * API and the config service (as `npm start` runs them), on the lab's own
 * NATS server and a fresh database `sdn_lab` on the machine's PostgreSQL.
 */
export class ControlPlane {
  private procs: Array<{ name: string; child: ChildProcess }> = [];
  private nc?: NatsConnection;
  private sub?: Subscription;
  readonly statuses = new Map<string, NodeStatusV1>();
  private token = '';
  private port = 0;

  static async start(o: ControlPlaneOptions): Promise<ControlPlane> {
    const cp = new ControlPlane();
    await cp.boot(o);
    return cp;
  }

  private async boot(o: ControlPlaneOptions): Promise<void> {
    const t0 = Date.now();
    const base = process.env.SDN_LAB_PG || 'postgres://postgres@127.0.0.1:5432';
    const dbName = 'sdn_lab';
    const admin = new Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${dbName}`);
    } finally {
      await admin.end();
    }
    this.port = await freePort();
    const secret = randomUUID();
    this.token = `root@pam!lab=${secret}`;
    const env = {
      ...process.env,
      SDN_API_HOST: '127.0.0.1',
      SDN_API_PORT: String(this.port),
      SDN_DATABASE_URL: `${base}/${dbName}`,
      SDN_NATS_URL: o.natsUrl,
      NATS_URL: o.natsUrl,
      SDN_BOOTSTRAP_TOKEN: this.token,
      SDN_NODE_NAME: 'labhost',
    };
    this.nc = await connect({ servers: o.natsUrl, name: 'sdnlab-observer' });
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
    for (const [name, main] of [
      ['api', 'apps/api/src/main.ts'],
      ['config-service', 'apps/config-service/src/main.ts'],
    ] as const) {
      if (!existsSync(join(o.repo, main))) throw new Error(`${main} does not exist yet`);
      const logFile = join(o.runDir, `${name}.log`);
      const out = createWriteStream(logFile);
      const child = track(spawn(process.execPath, ['-r', register, join(o.repo, main)], { cwd: o.repo, env, stdio: ['ignore', 'pipe', 'pipe'] }));
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      child.on('exit', (code) => {
        if (!this.stopping) log(`${name} exited with ${code} (log: ${logFile})`);
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
      if (this.procs.some((p) => p.child.exitCode !== null)) throw new Error(`control plane process died (logs in ${o.runDir})`);
      if (Date.now() > deadline) throw new Error(`API did not answer /health in 90 s (log: ${join(o.runDir, 'api.log')})`);
      await sleep(300);
    }
    log(`control plane on the host: API http://127.0.0.1:${this.port}/api2/json + config-service (NATS ${o.natsUrl}, database ${dbName}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${o.runDir}`);
  }

  private stopping = false;

  async api(method: string, path: string, params?: Record<string, string | number>): Promise<unknown> {
    const r = await fetch(`http://127.0.0.1:${this.port}/api2/json/${path}`, {
      method,
      headers: { Authorization: `PVEAPIToken=${this.token}`, ...(params ? { 'Content-Type': 'application/json' } : {}) },
      body: params ? JSON.stringify(params) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    try {
      return (JSON.parse(text) as { data: unknown }).data;
    } catch {
      return text;
    }
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
      await sleep(500);
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
    this.sub?.unsubscribe();
    await this.nc?.close().catch(() => undefined);
    await Promise.all(
      this.procs.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const t = setTimeout(() => child.kill('SIGKILL'), 10000);
            child.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
