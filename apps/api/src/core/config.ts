import { hostname } from 'node:os';
import { databaseUrl } from '@sdn/event-store';

export interface ApiConfig {
  host: string;
  port: number;
  databaseUrl: string;
  /** Connections in the pool (`SDN_DB_POOL`): writes use one at a time, the rest serve reads and the relay. */
  dbPoolSize: number;
  natsUrl: string;
  /** `USER@REALM!TOKENID=SECRET` installed as a root token at start, if set. */
  bootstrapToken?: string;
  /** Node name used in task ids (UPIDs). */
  nodeName: string;
  /** Run the outbox relay in this process (default on; tests of the relay itself turn it off). */
  relay: boolean;
  /** Connect to NATS at all (dry-run and relay need it). */
  nats: boolean;
  /** `SDN_BUS_NAMESPACE`: isolated copy of the bus (tests, second installation); empty in production. */
  busNamespace: string;
  /** `SDN_SECRET_KEY`: seals IPAM tokens and DNS keys at rest (see @sdn/secrets). */
  secretKey?: string;
  /** HTTPS (default); `SDN_API_TLS=off` serves plain HTTP, for a TLS-terminating proxy in front. */
  tls: boolean;
  /** `SDN_TLS_CERT` / `SDN_TLS_KEY`: the operator's own certificate and key (PEM files) instead of the generated ones. */
  tlsCert?: string;
  tlsKey?: string;
  /** `SDN_TLS_NAMES`: further names/addresses for the generated certificate (a load balancer's name, a compose service name). */
  tlsNames: string[];
  /** `SDN_DATA_DIR` (default `.data`): the product's files; the generated CA and certificate live in its `tls/`. */
  dataDir: string;
  /** Backoff on authentication failures (defaults, then `SDN_AUTH_FAIL_*`, then this). */
  authRateLimit?: Partial<import('../auth/rate-limit').AuthRateLimitOptions>;
  /** Bounds of dry-run computations (see apps/api/README.md, "Dry run"). */
  dryRun: DryRunLimits;
}

export interface DryRunLimits {
  /** `SDN_DRY_RUN_MAX_BYTES`: largest file (rendered or running) a dry run diffs; larger answers 422. */
  maxFileBytes: number;
  /** `SDN_DRY_RUN_CONCURRENCY`: dry-run computations at once per replica. */
  concurrency: number;
  /** `SDN_DRY_RUN_QUEUE`: requests waiting for a computation slot before further ones answer 503. */
  queue: number;
}

export const API_CONFIG = Symbol('API_CONFIG');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    host: env.SDN_API_HOST || '127.0.0.1',
    port: Number(env.SDN_API_PORT || 8006),
    databaseUrl: databaseUrl(env),
    dbPoolSize: Number(env.SDN_DB_POOL || 10),
    natsUrl: env.SDN_NATS_URL || 'nats://127.0.0.1:4222',
    bootstrapToken: env.SDN_BOOTSTRAP_TOKEN || undefined,
    nodeName: env.SDN_NODE_NAME || hostname().split('.')[0] || 'sdn',
    relay: env.SDN_API_RELAY !== '0',
    nats: env.SDN_API_NATS !== '0',
    busNamespace: env.SDN_BUS_NAMESPACE ?? '',
    secretKey: env.SDN_SECRET_KEY || undefined,
    tls: tlsSetting(env.SDN_API_TLS),
    tlsCert: env.SDN_TLS_CERT || undefined,
    tlsKey: env.SDN_TLS_KEY || undefined,
    tlsNames: (env.SDN_TLS_NAMES ?? '').split(/[\s,]+/).filter(Boolean),
    dataDir: env.SDN_DATA_DIR || '.data',
    dryRun: {
      maxFileBytes: positiveInt(env, 'SDN_DRY_RUN_MAX_BYTES', 4 * 1024 * 1024),
      concurrency: positiveInt(env, 'SDN_DRY_RUN_CONCURRENCY', 2),
      queue: positiveInt(env, 'SDN_DRY_RUN_QUEUE', 16, 0),
    },
  };
}

function positiveInt(env: NodeJS.ProcessEnv, key: string, dflt: number, min = 1): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${key} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

/** `SDN_API_TLS`: on unless `off`/`0`/`false`/`no` (a typo must not silently turn encryption off). */
export function tlsSetting(v: string | undefined): boolean {
  if (v === undefined || v === '' || /^(on|1|true|yes)$/i.test(v)) return true;
  if (/^(off|0|false|no)$/i.test(v)) return false;
  throw new Error(`SDN_API_TLS must be on or off, got '${v}'`);
}
