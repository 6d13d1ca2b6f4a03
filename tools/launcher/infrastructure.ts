/**
 * PostgreSQL and NATS for `npm start`: use them when reachable, start local
 * installations when they are not, otherwise say exactly what to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { connect as natsConnect, type ConnectionOptions } from 'nats';
import { pipeLines } from './log-lines';

export class SetupError extends Error {}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitReachable(host: string, port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port, 250)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const onPath = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

/**
 * Per-identity NATS for a server this launcher starts: `configFor(port)`
 * writes the generated server config and returns its path; `check` are the
 * connection options (an admin identity) for the JetStream check.
 */
export interface NatsAuthSetup {
  configFor(port: number): string;
  check: Partial<ConnectionOptions>;
}

/**
 * Makes NATS with JetStream reachable at `url`. Returns the server process
 * when this launcher started one, and whether that server runs the
 * per-identity config of `auth` (a server that was already there is used as
 * it is).
 */
export async function ensureNats(
  url: string,
  dataDir: string,
  log: (line: string) => void,
  auth?: NatsAuthSetup,
  /** How to connect to a NATS that was already there (the operator's SDN_NATS_* credentials). */
  existing: Partial<ConnectionOptions> = {},
): Promise<{ started?: ChildProcess; auth: boolean }> {
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port || 4222);
  let started: ChildProcess | undefined;
  if (!(await reachable(host, port))) {
    if (!LOCAL.has(host)) throw new SetupError(`NATS is not reachable at ${url}. Start it there, or unset NATS_URL to use a local one.`);
    if (!onPath('nats-server')) {
      throw new SetupError(
        [
          `NATS is not reachable at ${url} and nats-server is not installed. Either:`,
          '  apt-get install nats-server        (Debian/Ubuntu), or download from https://github.com/nats-io/nats-server/releases',
          `  then: nats-server -a 127.0.0.1 -p ${port} -js -sd ${dataDir}`,
          `  or:   docker run -d --name nats -p ${port}:4222 nats:2 -js`,
        ].join('\n'),
      );
    }
    mkdirSync(dataDir, { recursive: true });
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dataDir];
    if (auth) args.push('-c', auth.configFor(port));
    log(`starting nats-server on 127.0.0.1:${port} (JetStream data in ${dataDir}${auth ? `, per-identity permissions from ${args[args.length - 1]}` : ''})`);
    // Own process group: a terminal Ctrl-C reaches the launcher, which stops NATS last, after the services.
    started = spawn('nats-server', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pipeLines(started, 'nats');
    if (!(await waitReachable('127.0.0.1', port, 10))) throw new SetupError('nats-server did not come up within 10 s (see the [nats] lines above)');
  }
  const withAuth = !!(started && auth);
  // Reachable is not enough: every service needs JetStream.
  const nc = await natsConnect({ servers: url, timeout: 3000, ...(withAuth ? auth!.check : existing) });
  try {
    await nc.jetstreamManager();
  } catch (e) {
    throw new SetupError(`NATS at ${url} has no JetStream (${String(e)}). Start it with -js (nats-server -js -sd <dir>).`);
  } finally {
    await nc.close();
  }
  return { started, auth: withAuth };
}

/** Makes PostgreSQL reachable and the database of `url` exist. */
export async function ensurePostgres(url: string, log: (line: string) => void): Promise<void> {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 5432);
  if (!(await reachable(host, port))) {
    if (!LOCAL.has(host)) throw new SetupError(`PostgreSQL is not reachable at ${host}:${port}. Start it there, or unset DATABASE_URL to use a local one.`);
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort() : [];
    if (!onPath('pg_ctlcluster') || versions.length === 0) {
      throw new SetupError(
        [
          `PostgreSQL is not reachable at ${host}:${port} and no local cluster is installed. Either:`,
          '  apt-get install postgresql          (Debian/Ubuntu; then: pg_ctlcluster <version> main start)',
          `  or: docker run -d --name sdn-pg -p ${port}:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`,
          '  and allow user postgres without password from 127.0.0.1 (trust), or set DATABASE_URL with credentials.',
        ].join('\n'),
      );
    }
    const version = versions[versions.length - 1];
    log(`starting PostgreSQL: pg_ctlcluster ${version} main start`);
    const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { encoding: 'utf8' });
    if (r.status !== 0 && !(await reachable(host, port))) {
      throw new SetupError(`pg_ctlcluster ${version} main start failed (${(r.stderr || r.stdout).trim()}); run it as root or as the postgres user.`);
    }
    if (!(await waitReachable(host, port, 30))) throw new SetupError('PostgreSQL did not come up within 30 s');
  }
  await createDatabaseIfMissing(url, log);
}

async function createDatabaseIfMissing(url: string, log: (line: string) => void): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (e) {
    throw new SetupError(`cannot log in to PostgreSQL at ${u.host} as ${u.username || 'postgres'}: ${(e as Error).message}`);
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      // Identifiers cannot be parameters; the name is quoted instead.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

export const natsDataDir = (root: string) => join(root, '.data', 'nats');
