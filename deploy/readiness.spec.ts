import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSecretKey } from '@sdn/secrets';
import { recordTestSecrets } from '@sdn/service-kit/testing';

/**
 * Readiness of every service as a real process (API, config, IPAM and DNS
 * services, one safe-mode node agent) against its own throwaway PostgreSQL
 * cluster and nats-server (the machine's shared ones are never stopped):
 * /health/ready turns 503 naming the dependency when PostgreSQL or NATS stops,
 * on exactly the services that use it, and 200 again once it is back;
 * /health/live stays 200 throughout. Needs root (PostgreSQL runs as user postgres).
 */
const ROOT = resolve(__dirname, '..');
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

const SERVICES = ['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent'] as const;
type Service = (typeof SERVICES)[number];
/** The services whose readiness includes PostgreSQL (the others never open a connection to it). */
const USES_POSTGRES: Service[] = ['api', 'ipam-service'];
const NODE = 'readynode';

type Answer = { status: number; body: { status: string; checks: Record<string, { status: string }> } };

describeIf('readiness of every service follows PostgreSQL and NATS (processes)', () => {
  let dir: string;
  let pgPort: number;
  let natsPort: number;
  const ports = {} as Record<Service, number>;
  let nats: ChildProcess | undefined;
  const procs: ChildProcess[] = [];
  const output: string[] = [];
  const token = `root@pam!ready=${randomUUID()}`;

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
  const probe = async (svc: Service, path: '/health/ready' | '/health/live'): Promise<Answer> => {
    try {
      const r = await fetch(`http://127.0.0.1:${ports[svc]}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: r.status, body: (await r.json()) as Answer['body'] };
    } catch (e) {
      return { status: 0, body: { status: String(e), checks: {} } };
    }
  };
  const all = async () => Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await probe(s, '/health/ready')] as const))) as Record<Service, Answer>;
  /** Polls every service's readiness until `ok` holds for all of them at once. */
  const until = async (what: string, ok: (svc: Service, a: Answer) => boolean, ms = 60_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const now = await all();
      if (SERVICES.every((s) => ok(s, now[s]))) return now;
      if (Date.now() > end) throw new Error(`${what}: last answers ${JSON.stringify(now)}\n${output.slice(-60).join('')}`);
      await sleep(250);
    }
  };
  const api = async (method: string, path: string, body?: object) => {
    const r = await fetch(`http://127.0.0.1:${ports.api}/api2/json/${path}`, {
      method,
      headers: { Authorization: `PVEAPIToken=${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { data: unknown }).data;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-ready-'));
    chmodSync(dir, 0o755);
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
    [pgPort, natsPort] = await Promise.all([freePort(), freePort()]);
    for (const s of SERVICES) ports[s] = await freePort();
    execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', join(dir, 'pg'), '-A', 'trust', '-U', 'postgres'], { stdio: 'pipe' });
    startPg();
    startNats();
    for (const db of ['sdn', 'ipam']) execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/createdb`, '-h', '127.0.0.1', '-p', String(pgPort), db], { stdio: 'pipe' });
    const secretKey = generateSecretKey();
    recordTestSecrets({ 'readiness spec API token': token, 'SDN_SECRET_KEY of the readiness spec': secretKey });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SDN_NATS_URL: `nats://127.0.0.1:${natsPort}`,
      SDN_SECRET_KEY: secretKey,
      SDN_METRICS_HOST: '127.0.0.1',
    };
    const extra: Record<Service, NodeJS.ProcessEnv> = {
      api: {
        SDN_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/sdn`,
        SDN_DB_POOL: '2',
        SDN_API_HOST: '127.0.0.1',
        SDN_API_PORT: String(ports.api),
        SDN_API_TLS: 'off',
        SDN_API_DRAIN_MS: '0',
        SDN_BOOTSTRAP_TOKEN: token,
        SDN_DATA_DIR: join(dir, 'data'),
        SDN_NODE_NAME: 'apihost',
      },
      'config-service': {},
      'ipam-service': { SDN_IPAM_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ipam`, SDN_IPAM_DB_POOL: '2' },
      'dns-service': {},
      'node-agent': { SDN_AGENT_MODE: 'safe', SDN_NODE_NAME: NODE, SDN_AGENT_ROOT: join(dir, 'node'), SDN_HEARTBEAT_MS: '1000' },
    };
    for (const s of SERVICES) {
      const child = spawn(process.execPath, ['-r', './tools/register.js', `apps/${s}/src/main.ts`], {
        cwd: ROOT,
        env: { ...env, ...(s === 'api' ? {} : { SDN_METRICS_PORT: String(ports[s]) }), ...extra[s] },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d) => output.push(`[${s}] ${String(d)}`));
      child.stderr!.on('data', (d) => output.push(`[${s}] ${String(d)}`));
      procs.push(child);
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    if (nats && nats.exitCode === null) nats.kill('SIGKILL');
    try {
      pgctl('-m', 'immediate', 'stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('every service is ready once up (the agent once it applied its bundle)', async () => {
    // The agent is ready once its current bundle is applied or refused: it needs one, i.e. an apply.
    const end = Date.now() + 90_000;
    while (!(await api('GET', `nodes/${NODE}/sdn/zones`).then(() => true, () => false))) {
      if (Date.now() > end) throw new Error(`no status from ${NODE}\n${output.slice(-60).join('')}`);
      await sleep(500);
    }
    await api('POST', 'cluster/sdn/zones', { zone: 'readyz', type: 'simple' });
    await api('PUT', 'cluster/sdn');
    const up = await until('every service ready', (_, a) => a.status === 200, 90_000);
    expect(up['ipam-service'].body).toEqual({ status: 'ok', checks: { consumers: { status: 'up' }, postgres: { status: 'up' }, nats: { status: 'up' } } });
    expect(up['node-agent'].body).toEqual({ status: 'ok', checks: { bundle: { status: 'up' }, bundleVersion: { status: 'up' }, nats: { status: 'up' } } });
    expect(up.api.body.checks).toMatchObject({ postgres: { status: 'up' }, nats: { status: 'up' } });
    for (const s of SERVICES) expect([s, (await probe(s, '/health/live')).status]).toEqual([s, 200]);
  }, 240_000);

  it('PostgreSQL stopped: the API and the IPAM service are not ready (postgres down), the others stay ready; all ready again after', async () => {
    pgctl('-m', 'fast', 'stop');
    const down = await until('not ready without PostgreSQL', (s, a) => (USES_POSTGRES.includes(s) ? a.status === 503 : a.status === 200));
    for (const s of USES_POSTGRES) {
      expect([s, down[s].body.status, down[s].body.checks.postgres]).toEqual([s, 'error', { status: 'down' }]);
      expect([s, down[s].body.checks.nats]).toEqual([s, { status: 'up' }]);
    }
    // Liveness does not depend on the dependencies: a restart would not help.
    for (const s of SERVICES) expect([s, (await probe(s, '/health/live')).status]).toEqual([s, 200]);
    startPg();
    await until('ready again with PostgreSQL back', (_, a) => a.status === 200);
  }, 120_000);

  it('NATS stopped: every service is not ready (nats down); all ready again after it restarts', async () => {
    await stopNats();
    const down = await until('not ready without NATS', (_, a) => a.status === 503);
    for (const s of SERVICES) expect([s, down[s].body.checks.nats]).toEqual([s, { status: 'down' }]);
    for (const s of USES_POSTGRES) expect([s, down[s].body.checks.postgres]).toEqual([s, { status: 'up' }]);
    for (const s of SERVICES) expect([s, (await probe(s, '/health/live')).status]).toEqual([s, 200]);
    startNats();
    const up = await until('ready again with NATS back', (_, a) => a.status === 200, 90_000);
    expect(up['ipam-service'].body.checks.consumers).toEqual({ status: 'up' });
    expect(up['node-agent'].body.checks.bundle).toEqual({ status: 'up' });
  }, 150_000);
});
