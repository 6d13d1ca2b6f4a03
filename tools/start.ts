/**
 * `npm start`: the whole control plane on one machine, for development and
 * evaluation. Makes PostgreSQL and NATS available (starting local ones when
 * needed), then runs every app that exists under apps/ as a child process
 * with prefixed log lines, plus one node agent in safe mode for this host.
 * Ctrl-C (or SIGTERM) stops the apps, then the NATS server it started.
 *
 * Settings (README table, read by @sdn/config): SDN_DATABASE_URL, SDN_NATS_URL,
 * SDN_BOOTSTRAP_TOKEN, SDN_SECRET_KEY, SDN_API_HOST / SDN_API_PORT; everything
 * is passed on. Without SDN_NATS_URL the product runs its own NATS on
 * 127.0.0.1:4223 (not a shared 4222 another program may use without
 * permissions): the nats-server started here runs the generated
 * per-identity config (.data/nats-auth/) and every app connects as its own
 * identity; SDN_NATS_AUTH=0 starts it open instead. A NATS that already
 * answers at NATS_URL is used as it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bootstrapToken } from './launcher/bootstrap-token';
import { ensureNats, ensurePostgres, natsDataDir, SetupError, type NatsAuthSetup } from './launcher/infrastructure';
import { pipeLines, prefix } from './launcher/log-lines';
import { busConnectionOptions, busTopology, ensureIdentity, identityFileName, parseNatsIdentity, writeNatsServerConfig } from '@sdn/bus';
import { ConfigError, launcherConfig, serviceBaseConfig } from '@sdn/config';
import { devSecretKey } from './launcher/secret-key';
import { resolveApiTls, type TlsMaterial } from '@sdn/tls';
import { loadConfig as loadApiConfig } from '../apps/api/src/core/config';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';

const ROOT = resolve(__dirname, '..');
/** Start order: the API first (it owns the schema and the event relay), the node agent last. */
const APPS = ['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent'] as const;
const STOP_TIMEOUT_MS = 10_000;

const log = (line: string) => process.stdout.write(prefix('start') + line + '\n');

interface Running {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
}

function startApp(name: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['-r', './tools/register.js', join('apps', name, 'src', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeLines(child, name);
  const exited = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      if (!stopping) log(`${name} exited (${signal ?? `code ${code}`}); the other apps keep running — see its log lines above`);
      res();
    }),
  );
  return { name, child, exited };
}

async function stopChild(name: string, child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    log(`${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s, killing it`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

let stopping = false;
/** The NATS server this launcher started, if any: stopped on a setup failure too. */
let ownNats: ChildProcess | undefined;

/** Status of a GET, over HTTPS trusting only `ca` when given. */
function getStatus(url: string, ca?: string): Promise<number> {
  if (!ca) return fetch(url).then((r) => r.status);
  return new Promise((res, rej) => https.get(url, { ca }, (r) => (r.resume(), res(r.statusCode ?? 0))).on('error', rej));
}

async function waitForApi(url: string, seconds: number, ca?: string): Promise<boolean> {
  for (let i = 0; i < seconds * 2 && !stopping; i++) {
    try {
      if ((await getStatus(url, ca)) < 500) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main(): Promise<void> {
  const cfg = launcherConfig();
  const metricsBase = serviceBaseConfig().metricsPort || 9464;
  const env: NodeJS.ProcessEnv = { ...process.env };
  const databaseUrl = cfg.databaseUrl;
  // The product's own NATS, with per-identity permissions (issue 7), unless the operator names one.
  const natsUrl = cfg.bus.url;
  // One name per setting: an old alias left in the environment would otherwise be read beside it.
  // The values are passed on as values: a *_FILE beside them would be a second source.
  for (const alias of ['DATABASE_URL', 'NATS_URL', 'DATABASE_URL_FILE', 'SDN_DATABASE_URL_FILE', 'SDN_BOOTSTRAP_TOKEN_FILE', 'SDN_SECRET_KEY_FILE']) delete env[alias];
  Object.assign(env, { SDN_DATABASE_URL: databaseUrl, SDN_NATS_URL: natsUrl });
  const node = cfg.nodeName.toLowerCase();

  await ensurePostgres(databaseUrl, log);
  log(`PostgreSQL ready: ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
  const identityDir = resolve(ROOT, cfg.natsIdentityDir);
  const natsAuth: NatsAuthSetup | undefined =
    cfg.natsAuth
      ? {
          configFor: (port) => {
            const out = join(ROOT, '.data', 'nats-auth', 'nats.conf');
            const r = writeNatsServerConfig({ identityDir, out, topology: busTopology(cfg.namespace), nodes: [node], listen: `127.0.0.1:${port}` });
            for (const c of r.created) log(`created NATS identity ${identityFileName(c.identity)}`);
            return out;
          },
          check: busConnectionOptions({ name: 'sdn-launcher', url: natsUrl, credentials: { nkeyFile: join(identityDir, 'admin.nk') } }),
        }
      : undefined;
  const natsSetup = await ensureNats(natsUrl, natsDataDir(ROOT), log, natsAuth, busConnectionOptions({ name: 'sdn-launcher', url: natsUrl, credentials: cfg.bus.credentials }));
  const nats = (ownNats = natsSetup.started);
  const natsExited = nats ? new Promise<void>((r) => nats.once('exit', () => r())) : Promise.resolve();
  log(`NATS ready: ${natsUrl}${nats ? ' (started by this launcher, stopped on exit)' : ''}${natsSetup.auth ? '; each app connects as its own identity' : ''}`);
  /** The environment of an app's NATS identity, when this launcher's NATS checks identities. */
  const natsIdentityEnv = (identity: string): NodeJS.ProcessEnv => (natsSetup.auth ? ensureIdentity(identityDir, parseNatsIdentity(identity)).env : {});

  const token = bootstrapToken(cfg.bootstrapToken, join(ROOT, '.data', 'bootstrap-token'));
  env.SDN_BOOTSTRAP_TOKEN = token.token;
  const secretKey = devSecretKey(cfg.secretKey, join(ROOT, '.data', 'secret-key'));
  env.SDN_SECRET_KEY = secretKey.key;
  if (secretKey.source !== 'env') log(`IPAM tokens and DNS keys are sealed with the key in .data/secret-key${secretKey.source === 'generated' ? ' (new)' : ''}; set SDN_SECRET_KEY in production`);
  // The API's certificate, made (or found) here first so its CA and fingerprint can be printed; the API reuses it.
  const tls: TlsMaterial | null = await resolveApiTls(loadApiConfig(env));
  const running: Running[] = [];
  const shutdown = async (signal: string) => {
    if (stopping) {
      log('second signal: killing everything now');
      for (const r of running) r.child.kill('SIGKILL');
      nats?.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping ${running.map((r) => r.name).join(', ') || 'nothing'}`);
    // Reverse start order: the agent and services finish their work while the API and NATS are still up.
    for (const r of [...running].reverse()) await stopChild(r.name, r.child, r.exited);
    if (nats) {
      log('stopping nats-server');
      await stopChild('nats', nats, natsExited);
    }
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  for (const name of APPS) {
    if (stopping) break;
    if (!existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))) {
      log(`skipping ${name}: apps/${name}/src/main.ts does not exist yet`);
      continue;
    }
    const appEnv: NodeJS.ProcessEnv =
      name === 'node-agent'
        ? { ...env, ...natsIdentityEnv(`node:${node}`), SDN_AGENT_MODE: 'safe', SDN_NODE_NAME: node, SDN_AGENT_ROOT: join(ROOT, '.data', 'nodes', node) }
        : { ...env, ...natsIdentityEnv(name) };
    // One machine, one port each: health and metrics of the workers and the agent on SDN_METRICS_PORT, +1, +2, …
    if (name !== 'api') appEnv.SDN_METRICS_PORT = String(metricsBase + APPS.indexOf(name) - 1);
    // One API and no proxy in front: nothing to drain from, so Ctrl-C stops it at once (unless asked otherwise).
    else appEnv.SDN_API_DRAIN_MS ??= '0';
    running.push(startApp(name, appEnv));
    log(`started ${name}${name === 'node-agent' ? ` for node ${node} in safe mode (files under .data/nodes/${node}/)` : ''}`);
  }

  const host = cfg.apiHost;
  const port = cfg.apiPort;
  const base = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const ca = tls?.caFile ?? (tls ? tls.certFile : undefined);
  if (running.some((r) => r.name === 'api')) {
    const up = await waitForApi(`${base}/health`, 60, ca ? readFileSync(ca, 'utf8') : undefined);
    if (stopping) return;
    log(up ? 'API is up' : 'API did not answer /health within 60 s (see the [api] lines); details below anyway');
    const [tokenId, secret] = token.token.split('=');
    log(
      [
        '',
        `  API:      ${base}/api2/json   (OpenAPI docs: ${base}/api2/docs)`,
        `  Token:    ${token.token}   (${token.source === 'env' ? 'from SDN_BOOTSTRAP_TOKEN' : `kept in .data/bootstrap-token${token.source === 'generated' ? ', new' : ''}`})`,
        ...(tls
          ? [
              `  CA:       ${ca}   (trust this file in clients: curl --cacert, Python verify=, NODE_EXTRA_CA_CERTS)`,
              `  SHA-256:  ${tls.fingerprint256}   (the server certificate's fingerprint)`,
            ]
          : ['  TLS:      off (SDN_API_TLS=off): plain HTTP']),
        `  Try:      curl${ca ? ` --cacert ${ca}` : ''} -H 'Authorization: PVEAPIToken=${tokenId}=${secret}' ${base}/api2/json/cluster/sdn/zones`,
        '  Stop:     Ctrl-C',
        '',
      ].join('\n'),
    );
  }
}

main().catch((e) => {
  ownNats?.kill('SIGTERM');
  if (e instanceof ConfigError) {
    process.stderr.write(prefix('start') + `configuration: ${e.message}\n`);
  } else if (e instanceof SetupError) {
    process.stderr.write(prefix('start') + e.message.split('\n').join('\n' + prefix('start')) + '\n');
  } else {
    process.stderr.write(prefix('start') + `failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  }
  process.exit(1);
});
