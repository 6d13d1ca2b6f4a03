import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { createTestDatabase } from '@sdn/event-store';
import { generateSecretKey } from '@sdn/secrets';
import { recordTestSecrets } from '@sdn/service-kit/testing';
import { ApiClient } from '../client/api-client';
import { main } from '../main';

const ROOT = path.resolve(__dirname, '../../../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The product as processes for sdnctl's tests: API, config service and safe-mode node agents on a fresh database and bus namespace. */
export interface TestStack {
  /** https://127.0.0.1:<port>: the API's own generated CA and certificate. */
  url: string;
  token: string;
  /** The CA file clients trust (the API made it under its SDN_DATA_DIR). */
  caFile: string;
  /** SHA-256 fingerprint of the API's certificate. */
  fingerprint(): string;
  /** The API's /health answer (running version). */
  health(): Promise<{ version: number }>;
  bus: IsolatedBus;
  dir: string;
  /** sdnctl's profile file (SDN_CLI_CONFIG) for this stack's runs. */
  configFile: string;
  /** sdnctl in this process against the stack (own config file, so no profile of the machine leaks in). */
  cli(...args: string[]): Promise<CliRun>;
  /** sdnctl as its own process (the real entry point). */
  cliProcess(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** sdnctl as its own process that the test stops with SIGINT once `until(stdout)` holds. */
  cliUntil(args: string[], until: (stdout: string) => boolean, timeoutMs?: number): Promise<CliRun>;
  /** sdnctl on a pseudo-terminal (util-linux `script`), as an operator sees it. */
  cliTerminal(args: string[]): Promise<CliRun>;
  /** One API call with the stack's token; resolves `data`, throws on HTTP ≥ 400. */
  api(method: string, p: string, body?: object): Promise<unknown>;
  stopAgent(node: string): Promise<void>;
  /** SIGSTOP / SIGCONT to one of the stack's processes (`config-service`, `agent-<node>` …): holds its work without a crash. */
  pause(name: string): void;
  resume(name: string): void;
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let cliLock: Promise<unknown> = Promise.resolve();

/** Runs sdnctl's main() here, capturing what it writes (one run at a time: stdout is shared). */
export function runCliInProcess(args: string[]): Promise<CliRun> {
  const next = cliLock.then(async () => {
    let stdout = '';
    let stderr = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
    const cerr = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
    const clog = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
    try {
      const code = await main(args);
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
      cerr.mockRestore();
      clog.mockRestore();
    }
  });
  cliLock = next.catch(() => undefined);
  return next;
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/sdnctl/src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

export async function startStack(opts: { agents: string[]; name: string; ipam?: boolean }): Promise<TestStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sdnctl-${opts.name}-`));
  const db = await createTestDatabase();
  const ipamDb = opts.ipam ? await createTestDatabase() : undefined;
  const bus = await isolatedBus({ name: opts.name });
  const port = await freePort();
  const secret = randomUUID();
  const token = `root@pam!cli=${secret}`;
  const url = `https://127.0.0.1:${port}`;
  const dataDir = path.join(dir, 'data');
  const caFile = path.join(dataDir, 'tls', 'ca.pem');
  const procs = new Map<string, ChildProcess>();
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SDN_DATABASE_URL: db.url,
    SDN_BUS_NAMESPACE: bus.topology.namespace,
    SDN_API_HOST: '127.0.0.1',
    SDN_API_PORT: String(port),
    SDN_DATA_DIR: dataDir,
    SDN_BOOTSTRAP_TOKEN: token,
    SDN_SECRET_KEY: generateSecretKey(),
    SDN_NODE_NAME: 'apihost',
    // Every worker's health/metrics endpoint on a free port: several run on this host.
    SDN_METRICS_PORT: '0',
  };
  recordTestSecrets({ 'sdnctl stack token secret': secret, 'SDN_SECRET_KEY of the sdnctl stack': env.SDN_SECRET_KEY });
  const start = (name: string, main: string, extra: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, ['-r', './tools/register.js', main], { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => output.push(`[${name}] ${String(d)}`));
    child.stderr!.on('data', (d) => output.push(`[${name}] ${String(d)}`));
    procs.set(name, child);
  };
  const stopProc = async (name: string) => {
    const c = procs.get(name);
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(t);
  };
  // The test's own calls go through sdnctl's client too (fetch cannot be given a CA); they trust the API's CA.
  let client: ApiClient | undefined;
  const http = () => (client ??= new ApiClient({ url, token, ca: caFile, profileName: 'test' }));
  const api = async (method: string, p: string, body?: object) => {
    const [pathname, query] = p.split('?');
    const params = { ...Object.fromEntries(new URLSearchParams(query ?? '')), ...(body ?? {}) };
    return http().call(method as 'GET', pathname, params);
  };
  const stop = async () => {
    client?.close();
    for (const name of [...procs.keys()].reverse()) await stopProc(name);
    await bus.destroy().catch(() => undefined);
    await db.drop().catch(() => undefined);
    await ipamDb?.drop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const configFile = path.join(dir, 'sdnctl-config.json');
  const stack: TestStack = {
    url,
    token,
    caFile,
    fingerprint: () => new X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', 'server.pem'))).fingerprint256,
    health: async () => (await http().raw('GET', '/health')) as { version: number },
    bus,
    dir,
    configFile,
    cli: (...args) => {
      process.env.SDN_CLI_CONFIG = configFile;
      return runCliInProcess(['--url', url, '--token', token, '--ca', caFile, ...args]);
    },
    cliProcess: (args, e = {}) => runCliProcess(args, { SDN_URL: url, SDN_TOKEN: token, SDN_CA_FILE: caFile, SDN_CLI_CONFIG: configFile, ...e }),
    cliUntil: (args, until, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/sdnctl/src/main.ts', ...args], {
          cwd: ROOT,
          env: { ...process.env, SDN_URL: url, SDN_TOKEN: token, SDN_CA_FILE: caFile, SDN_CLI_CONFIG: configFile },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout.on('data', (d) => {
          stdout += String(d);
          if (until(stdout)) child.kill('SIGINT');
        });
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          clearTimeout(t);
          resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 130), stdout, stderr });
        });
      }),
    cliTerminal: (args) => {
      const cmd = [process.execPath, '-r', './tools/register.js', 'apps/sdnctl/src/main.ts', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return new Promise((resolve, reject) => {
        const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, SDN_URL: url, SDN_TOKEN: token, SDN_CA_FILE: caFile, SDN_CLI_CONFIG: configFile, NO_COLOR: '', TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += String(d)));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr: '' }));
      });
    },
    api,
    stopAgent: (node) => stopProc(`agent-${node}`),
    pause: (name) => void procs.get(name)?.kill('SIGSTOP'),
    resume: (name) => void procs.get(name)?.kill('SIGCONT'),
    logs: () => output.join(''),
    stop,
  };
  try {
    start('api', 'apps/api/src/main.ts');
    start('config-service', 'apps/config-service/src/main.ts');
    if (ipamDb) start('ipam-service', 'apps/ipam-service/src/main.ts', { IPAM_PG_URL: ipamDb.url, IPAM_POOL_SIZE: '4' });
    for (const node of opts.agents) {
      start(`agent-${node}`, 'apps/node-agent/src/main.ts', {
        SDN_NODE_NAME: node,
        SDN_AGENT_MODE: 'safe',
        SDN_AGENT_ROOT: path.join(dir, node),
        SDN_HEARTBEAT_MS: '500',
        SDN_FACTS_INTERVAL_MS: '60000',
        SDN_AGENT_KERNEL_FACTS: '0',
      });
    }
    const deadline = Date.now() + 120_000;
    for (;;) {
      const up = fs.existsSync(caFile) && (await http().raw('GET', '/health').then(() => true, () => false));
      // The API knows a node once its agent's first status arrived.
      const nodes = up ? ((await api('GET', '/cluster/resources?type=sdn').catch(() => [])) as { node: string }[]).map((r) => r.node) : [];
      // The pve IPAM's status is answered by ipam-service: it is listening once that answers.
      const ipamUp = !ipamDb || (up && (await api('GET', '/cluster/sdn/ipams/pve/status').then(() => true, () => false)));
      if (up && ipamUp && opts.agents.every((n) => nodes.includes(n))) break;
      const dead = [...procs.entries()].find(([, c]) => c.exitCode !== null);
      if (dead || Date.now() > deadline) throw new Error(`stack did not come up (${dead ? `${dead[0]} exited` : 'timeout'}):\n${output.join('').slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return stack;
}
