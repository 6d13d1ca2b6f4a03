import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Readiness of a real service process against its own throwaway PostgreSQL
 * cluster and nats-server (the machine's shared ones are never stopped):
 * /health/ready turns 503 naming the dependency when PostgreSQL or NATS stops,
 * and 200 again once it is back. Needs root (PostgreSQL runs as user postgres).
 */
const ROOT = resolve(__dirname, '../../..');
const PG_BIN = (() => {
  try {
    const v = readdirSync('/usr/lib/postgresql').sort().pop();
    return v ? `/usr/lib/postgresql/${v}/bin` : undefined;
  } catch {
    return undefined;
  }
})();
const runnable = process.getuid?.() === 0 && !!PG_BIN;
const describeIf = runnable ? describe : describe.skip;
if (!runnable) console.warn('readiness.spec skipped: needs root and a PostgreSQL installation (/usr/lib/postgresql)');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeIf('readiness follows PostgreSQL and NATS (ipam-service process)', () => {
  let dir: string;
  let pgPort: number;
  let natsPort: number;
  let metricsPort: number;
  let nats: ChildProcess | undefined;
  let svc: ChildProcess | undefined;
  const output: string[] = [];

  const pgctl = (...args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', join(dir, 'pg'), '-w', '-t', '30', ...args], { stdio: 'pipe' });
  const startPg = () => pgctl('-o', `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', join(dir, 'pg.log'), 'start');
  const startNats = () => {
    nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(dir, 'nats')], { stdio: 'ignore' });
  };
  const stopNats = async () => {
    const n = nats!;
    const exited = new Promise((r) => n.once('exit', r));
    n.kill('SIGTERM');
    await exited;
  };
  const ready = async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${metricsPort}/health/ready`);
      return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, { status: string }> } };
    } catch (e) {
      return { status: 0, body: { status: String(e), checks: {} } };
    }
  };
  const until = async (what: string, ok: (r: Awaited<ReturnType<typeof ready>>) => boolean, ms = 30_000) => {
    const end = Date.now() + ms;
    let last = await ready();
    while (!ok(last)) {
      if (Date.now() > end) throw new Error(`${what}: last answer ${JSON.stringify(last)}\n${output.join('')}`);
      await sleep(250);
      last = await ready();
    }
    return last;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-ready-'));
    chmodSync(dir, 0o755);
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
    [pgPort, natsPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
    execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', join(dir, 'pg'), '-A', 'trust', '-U', 'postgres'], { stdio: 'pipe' });
    startPg();
    startNats();
    execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/createdb`, '-h', '127.0.0.1', '-p', String(pgPort), 'ipam'], { stdio: 'pipe' });
    svc = spawn(process.execPath, ['-r', './tools/register.js', 'apps/ipam-service/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SDN_IPAM_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ipam`,
        SDN_NATS_URL: `nats://127.0.0.1:${natsPort}`,
        SDN_METRICS_PORT: String(metricsPort),
        SDN_IPAM_DB_POOL: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    svc.stdout!.on('data', (d) => output.push(String(d)));
    svc.stderr!.on('data', (d) => output.push(String(d)));
  }, 90_000);

  afterAll(async () => {
    svc?.kill('SIGKILL');
    if (nats && nats.exitCode === null) nats.kill('SIGKILL');
    try {
      pgctl('-m', 'immediate', 'stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready with both up, not ready while PostgreSQL is stopped, ready again after', async () => {
    const up = await until('ready at start', (r) => r.status === 200, 60_000);
    expect(up.body).toEqual({ status: 'ok', checks: { consumers: { status: 'up' }, postgres: { status: 'up' }, nats: { status: 'up' } } });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(200);

    pgctl('-m', 'fast', 'stop');
    const down = await until('not ready without PostgreSQL', (r) => r.status === 503);
    expect(down.body.status).toBe('error');
    expect(down.body.checks.postgres).toEqual({ status: 'down' });
    expect(down.body.checks.nats).toEqual({ status: 'up' });
    // Liveness does not depend on the dependencies: a restart would not help.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(200);

    startPg();
    await until('ready again with PostgreSQL back', (r) => r.status === 200);
  }, 120_000);

  it('is not ready while NATS is stopped, ready again after it restarts', async () => {
    await stopNats();
    const down = await until('not ready without NATS', (r) => r.status === 503);
    expect(down.body.checks.nats).toEqual({ status: 'down' });
    expect(down.body.checks.postgres).toEqual({ status: 'up' });
    startNats();
    const up = await until('ready again with NATS back', (r) => r.status === 200, 60_000);
    expect(up.body.checks.consumers).toEqual({ status: 'up' });
  }, 120_000);
});
