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
  /** Backoff on authentication failures (defaults, then `SDN_AUTH_FAIL_*`, then this). */
  authRateLimit?: Partial<import('../auth/rate-limit').AuthRateLimitOptions>;
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
  };
}
