import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type ConnectionOptions, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { consoleLogger, type BusLogger } from '../log/bus-logger';
import { topologyFromEnv, type BusTopology } from '../topology/bus-topology';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface BusConnectOptions {
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  /** Defaults to `NATS_URL` (or `SDN_NATS_URL`, the API's name for it), then nats://127.0.0.1:4222. Comma-separated for a cluster. */
  url?: string;
  topology?: BusTopology;
  log?: BusLogger;
  env?: NodeJS.ProcessEnv;
}

/** A connected bus: the raw clients plus the topology every helper needs. */
export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly topology: BusTopology;
  readonly log: BusLogger;
  /** Flushes pending publishes and closes; resolves when the connection is closed. */
  close(): Promise<void>;
}

/**
 * NATS options from the environment. Reconnects forever: a service outlives
 * NATS restarts and waits for NATS at boot rather than crash-looping.
 * Credentials are optional so per-identity permissions can be switched on
 * later without code changes: `NATS_CREDS` (a .creds file), or
 * `NATS_USER`/`NATS_PASS`, or `NATS_TOKEN`.
 */
export function busConnectionOptions(opts: Pick<BusConnectOptions, 'name' | 'url' | 'env'>): ConnectionOptions {
  const env = opts.env ?? process.env;
  const servers = (opts.url ?? env.NATS_URL ?? env.SDN_NATS_URL ?? DEFAULT_NATS_URL).split(',').map((s) => s.trim()).filter(Boolean);
  const options: ConnectionOptions = {
    servers,
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    waitOnFirstConnect: true,
  };
  if (env.NATS_CREDS) options.authenticator = credsAuthenticator(readFileSync(env.NATS_CREDS));
  else if (env.NATS_USER) Object.assign(options, { user: env.NATS_USER, pass: env.NATS_PASS ?? '' });
  else if (env.NATS_TOKEN) options.token = env.NATS_TOKEN;
  return options;
}

export async function connectBus(opts: BusConnectOptions): Promise<Bus> {
  const log = opts.log ?? consoleLogger(opts.name);
  const options = busConnectionOptions(opts);
  const nc = await connect(options);
  log.info('connected to NATS', { server: nc.getServer() });
  void (async () => {
    for await (const s of nc.status()) {
      // Pings and slow-consumer noise aside, connection changes are worth a line.
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log.warn(`NATS ${s.type}`, { data: String(s.data) });
    }
  })();
  const jsm = await nc.jetstreamManager();
  return {
    nc,
    js: nc.jetstream(),
    jsm,
    topology: opts.topology ?? topologyFromEnv(opts.env),
    log,
    async close() {
      if (nc.isClosed()) return;
      await nc.drain().catch(() => nc.close());
    },
  };
}
