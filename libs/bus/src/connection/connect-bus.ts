import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import type { NatsCredentials } from '@sdn/config';
import { consoleLogger, type BusLogger } from '../log/bus-logger';
import { busTopology, type BusTopology } from '../topology/bus-topology';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface BusConnectOptions {
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  /** Default nats://127.0.0.1:4222 (apps pass SDN_NATS_URL from @sdn/config). Comma-separated for a cluster. */
  url?: string;
  /** Default: no namespace (production). */
  topology?: BusTopology;
  log?: BusLogger;
  /** Default: none (an open server); apps pass their identity from @sdn/config. */
  credentials?: BusCredentials;
}

/**
 * How to authenticate. `nkeyFile`: an nkey seed file made by `sdnctl nats
 * credentials` (the product's own identities); `credsFile`: a JWT .creds
 * file; or user/password, or a token. `inboxPrefix`: where replies to this
 * connection go — a node agent's identity may only subscribe under its own.
 */
export type BusCredentials = NatsCredentials;

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
 * NATS connection options. Reconnects forever: a service outlives
 * NATS restarts and waits for NATS at boot rather than crash-looping.
 * Credentials (see BusCredentials) are optional: a server without
 * authorization (tests, a workstation) needs none.
 */
export function busConnectionOptions(opts: Pick<BusConnectOptions, 'name' | 'url' | 'credentials'>): ConnectionOptions {
  const servers = (opts.url || DEFAULT_NATS_URL).split(',').map((s) => s.trim()).filter(Boolean);
  const options: ConnectionOptions = {
    servers,
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    // A server that dies without closing its sockets (docker kill, a lost host) leaves a connection
    // that takes writes and answers nothing; nats.js's defaults (a ping every 2 min, 2 unanswered)
    // noticed it only after minutes. test:compose saw one API replica's IPAM requests time out for
    // 30 s after nats2 was killed, then succeed once nats2 came back. Stale after ~10-15 s now.
    pingInterval: 5000,
    maxPingOut: 2,
    waitOnFirstConnect: true,
    // nats.js would capture an Error (a stack trace) for every request and publish ack to
    // enrich a later failure; on the allocation path that was ~6% of each process's CPU.
    noAsyncTraces: true,
  };
  const c = opts.credentials ?? {};
  if (c.nkeyFile) {
    // Read once per connect attempt: a rotated seed is picked up on reconnect.
    const file = c.nkeyFile;
    options.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
  } else if (c.credsFile) options.authenticator = credsAuthenticator(readFileSync(c.credsFile));
  else if (c.user) Object.assign(options, { user: c.user, pass: c.pass ?? '' });
  else if (c.token) options.token = c.token;
  if (c.inboxPrefix) options.inboxPrefix = c.inboxPrefix;
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
  let jsm: JetStreamManager;
  try {
    jsm = await nc.jetstreamManager();
  } catch (e) {
    // No JetStream, or an identity not allowed to reach it: do not leave the connection behind.
    await nc.close().catch(() => undefined);
    throw e;
  }
  return {
    nc,
    js: nc.jetstream(),
    jsm,
    topology: opts.topology ?? busTopology(''),
    log,
    async close() {
      if (nc.isClosed()) return;
      await nc.drain().catch(() => nc.close());
    },
  };
}
