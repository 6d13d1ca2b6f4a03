/**
 * What the chaos test starts and kills: its own PostgreSQL (so it can be
 * restarted without touching the machine's), HAProxy in front of the API
 * replicas, and the product's processes, each restartable under its name.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort as freePortOn } from '@sdn/netns-lab';

const run = promisify(execFile);
export const ROOT = resolve(__dirname, '../..');

/** A free port on the loopback address (the test listens only there). */
export const freePort = (): Promise<number> => freePortOn('127.0.0.1');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(what: string, f: () => Promise<boolean>, ms: number, every = 250): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await f().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(every);
  }
}

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const v = readdirSync(base).sort((a, b) => Number(b) - Number(a))[0];
  return join(base, v, 'bin');
}

/**
 * A PostgreSQL cluster of the test's own, run as the `postgres` user (initdb
 * refuses root). fsync is off: a killed server loses nothing the OS already
 * has, and the test kills processes, not the machine; synchronous_commit
 * stays on, so an acknowledged commit is in the WAL the restart replays.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get server(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(dir, await freePort());
    mkdirSync(dir, { recursive: true });
    chownSync(dir, ...(await pgIds()));
    await run('runuser', ['-u', 'postgres', '--', join(pgBin(), 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { timeout: 120_000 });
    await pg.startServer();
    return pg;
  }

  private async startServer(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c shared_buffers=128MB`;
    await run('runuser', ['-u', 'postgres', '--', join(pgBin(), 'pg_ctl'), '-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start'], { timeout: 90_000 });
  }

  /** Crash and restart: `immediate` is PostgreSQL's kill (no checkpoint; recovery replays the WAL). */
  async restart(): Promise<void> {
    await run('runuser', ['-u', 'postgres', '--', join(pgBin(), 'pg_ctl'), '-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop'], { timeout: 60_000 });
    await this.startServer();
  }

  async stop(): Promise<void> {
    await run('runuser', ['-u', 'postgres', '--', join(pgBin(), 'pg_ctl'), '-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop'], { timeout: 60_000 }).catch(() => undefined);
  }
}

async function pgIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['postgres']);
  const uid = Number(/uid=(\d+)/.exec(stdout)![1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)![1]);
  return [uid, gid];
}

/** HAProxy from Debian in front of the API replicas: round robin, TCP health checks every 500 ms. */
export class Haproxy {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly conf: string,
  ) {}

  /** Its warnings (servers going down and up) go to `<logDir>/haproxy.log`. */
  static async start(dir: string, backends: number[], logDir = dir): Promise<Haproxy> {
    const port = await freePort();
    const conf = join(dir, 'haproxy.cfg');
    writeFileSync(
      conf,
      [
        'global',
        '  maxconn 4096',
        'defaults',
        '  mode http',
        '  timeout connect 2s',
        '  timeout client 120s',
        '  timeout server 120s',
        // Only a failed connection is retried (on another server): a request that reached an API is never sent twice.
        '  retries 3',
        '  option redispatch',
        'frontend api',
        `  bind 127.0.0.1:${port}`,
        '  default_backend apis',
        'backend apis',
        '  balance roundrobin',
        ...backends.map((p, i) => `  server api${i + 1} 127.0.0.1:${p} check inter 500 fall 1 rise 1`),
        '',
      ].join('\n'),
    );
    const h = new Haproxy(port, conf);
    h.child = spawn('haproxy', ['-f', conf, '-db'], { stdio: ['ignore', 'ignore', openSync(join(logDir, 'haproxy.log'), 'a')] });
    await until('haproxy listening', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
      return r !== null;
    }, 10_000);
    return h;
  }

  static installed(): boolean {
    return ['/usr/sbin/haproxy', '/usr/bin/haproxy'].some(existsSync);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGTERM');
    await new Promise((r) => c.once('exit', r));
  }
}

/** One product process, restartable; its output goes to `<logDir>/<name>.log`. */
export class Proc {
  child?: ChildProcess;
  starts = 0;
  /** CPU time (user + system) of every run that ended so far, ms: what the restarts cost on a loaded machine. */
  cpuMs = 0;
  private log: WriteStream;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
    private readonly args: string[] = [],
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  start(): void {
    this.starts++;
    this.log.write(`--- start ${this.starts} at ${new Date().toISOString()}\n`);
    const c = spawn(process.execPath, ['-r', './tools/register.js', this.script, ...this.args], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.pipe(this.log, { end: false });
    c.stderr!.pipe(this.log, { end: false });
    this.child = c;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** CPU time of the running process so far (ms), from /proc; 0 when it is gone. */
  private cpuNow(): number {
    try {
      // Fields 14 and 15 after the command name (which may hold spaces): utime and stime, in clock ticks (100 Hz on Linux).
      const f = readFileSync(`/proc/${this.child!.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      return 0;
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    this.cpuMs += this.cpuNow();
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    this.cpuMs += this.cpuNow();
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
}
