import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from '@sdn/secrets';
import { flag, integer, list, oneOf, optionalText, port, setting, text, url, words, type AppName, type Env, type Setting } from './setting';

const SERVICES: AppName[] = ['api', 'config-service', 'ipam-service', 'dns-service', 'node-agent'];
const WORKERS: AppName[] = ['config-service', 'ipam-service', 'dns-service', 'node-agent'];
const NATS_USERS: AppName[] = [...SERVICES, 'audit-consumer', 'sdnctl', 'start'];

/** A PVE node name is a host name's first label. */
/** Set to anything (the NO_COLOR convention): true. */
const presence: z.ZodType<boolean, string | undefined> = z
  .string()
  .optional()
  .transform((v) => v !== undefined);
/** FORCE_COLOR: any value but 0/false forces (1, 2 and 3 name colour depths). */
const forced: z.ZodType<boolean, string | undefined> = z
  .string()
  .optional()
  .transform((v) => v !== undefined && !['0', 'false'].includes(v.toLowerCase()));

const hostNodeName = () => hostname().split('.')[0] || 'sdn';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sdn';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Every setting of every app, in README order. One name per setting
 * (`SDN_<NAME>`); the names apps read before are aliases.
 */
export const SETTINGS = {
  // ---- Storage and bus (every service)
  databaseUrl: setting({
    name: 'SDN_DATABASE_URL',
    aliases: ['DATABASE_URL'],
    secret: true,
    apps: ['api', 'ipam-service', 'sdnctl', 'start'],
    doc: 'PostgreSQL of the event store (created on first start)',
    default: DEFAULT_DATABASE_URL,
    schema: url(['postgres', 'postgresql']),
  }),
  ipamDatabaseUrl: setting({
    name: 'SDN_IPAM_DATABASE_URL',
    aliases: ['IPAM_PG_URL'],
    secret: true,
    apps: ['ipam-service'],
    doc: "PostgreSQL of the IPAM service's address store",
    // Compose and `npm start` give every service one DATABASE_URL: the IPAM tables live beside the event store then.
    default: (env) => env.SDN_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/sdn_ipam',
    defaultDoc: 'SDN_DATABASE_URL when set, else `postgres://postgres@127.0.0.1:5432/sdn_ipam`',
    schema: url(['postgres', 'postgresql']),
  }),
  databasePassword: setting({
    name: 'SDN_DATABASE_PASSWORD',
    secret: true,
    apps: ['api', 'ipam-service', 'sdnctl', 'start'],
    doc: 'Password for SDN_DATABASE_URL and SDN_IPAM_DATABASE_URL, each unless it names one itself (docker-compose.yml gives the one `sdn-init` generates as `SDN_DATABASE_PASSWORD_FILE`)',
    schema: optionalText,
  }),
  dbPool: setting({ name: 'SDN_DB_POOL', apps: ['api'], doc: "Connections in the API's pool: writes use one at a time, the rest serve reads and the relay", default: '10', schema: integer(1, 1000) }),
  ipamDbPool: setting({ name: 'SDN_IPAM_DB_POOL', aliases: ['IPAM_POOL_SIZE'], apps: ['ipam-service'], doc: "Connections in the IPAM service's pool", default: '20', schema: integer(1, 1000) }),
  natsUrl: setting({
    name: 'SDN_NATS_URL',
    aliases: ['NATS_URL'],
    apps: NATS_USERS,
    doc: 'NATS server(s) with JetStream, comma-separated for a cluster (`npm start` runs its own on 127.0.0.1:4223 when unset)',
    default: DEFAULT_NATS_URL,
    schema: url(['nats', 'tls', 'ws', 'wss'], { list: true }),
  }),
  natsStreamReplicas: setting({
    name: 'SDN_NATS_STREAM_REPLICAS',
    apps: ['config-service', 'ipam-service', 'dns-service'],
    doc: 'Servers of a NATS cluster that keep each SDN stream (3 in docker-compose.yml); unset: a new stream gets 1 and an existing one keeps its count',
    schema: integer(1, 5).optional(),
  }),
  natsNkeyFile: setting({ name: 'SDN_NATS_NKEY_FILE', aliases: ['NATS_NKEY_FILE'], apps: NATS_USERS, doc: "File with the process's NATS nkey seed (`sdnctl nats credentials`)", schema: optionalText }),
  natsCreds: setting({ name: 'SDN_NATS_CREDS', aliases: ['NATS_CREDS'], apps: NATS_USERS, doc: 'NATS JWT `.creds` file', schema: optionalText }),
  natsUser: setting({ name: 'SDN_NATS_USER', aliases: ['NATS_USER'], apps: NATS_USERS, doc: 'NATS user (with SDN_NATS_PASS)', schema: optionalText }),
  natsPass: setting({ name: 'SDN_NATS_PASS', aliases: ['NATS_PASS'], secret: true, apps: NATS_USERS, doc: 'NATS password', schema: optionalText }),
  natsToken: setting({ name: 'SDN_NATS_TOKEN', aliases: ['NATS_TOKEN'], secret: true, apps: NATS_USERS, doc: 'NATS token', schema: optionalText }),
  natsInboxPrefix: setting({ name: 'SDN_NATS_INBOX_PREFIX', aliases: ['NATS_INBOX_PREFIX'], apps: NATS_USERS, doc: "Where replies to this connection go (a node identity may only subscribe under its own; printed by `sdnctl nats credentials`)", schema: optionalText }),
  busNamespace: setting({
    name: 'SDN_BUS_NAMESPACE',
    apps: NATS_USERS,
    doc: 'Prefix of every stream and subject: an isolated copy of the bus (tests, a second installation); empty in production',
    default: '',
    emptyIsValue: true,
    schema: z.string().regex(/^([A-Za-z0-9_-]+)?$/, 'must be letters, digits, _ or - (one NATS subject token)'),
  }),
  secretKey: setting({
    name: 'SDN_SECRET_KEY',
    secret: true,
    apps: ['api', 'ipam-service', 'dns-service', 'start'],
    doc: 'Seals IPAM tokens and DNS keys at rest: 32 bytes as 64 hex digits or base64 (`openssl rand -hex 32`); the same on every service',
    schema: z
      .string()
      .refine((v) => {
        try {
          parseSecretKey(v);
          return true;
        } catch {
          return false;
        }
      }, 'must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)')
      .optional(),
  }),
  nodeName: setting({
    name: 'SDN_NODE_NAME',
    apps: ['api', 'node-agent', 'start'],
    doc: "The agent's node; the API's node name in task ids (UPIDs)",
    default: hostNodeName,
    defaultDoc: "the host name's first label",
    schema: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'must be a node name (letters, digits and -, not at either end)'),
  }),

  clusterName: setting({
    name: 'SDN_CLUSTER_NAME',
    apps: ['api'],
    doc: "The cluster's name in `GET /cluster/status` (Proxmox clients show it)",
    default: 'sdn',
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/, 'must be 1-15 letters, digits or - (as a Proxmox cluster name), not starting with -'),
  }),

  // ---- Logs, health, metrics
  logLevel: setting({ name: 'SDN_LOG_LEVEL', apps: SERVICES, doc: 'Lowest level logged', default: 'info', schema: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const) }),
  logCopyDir: setting({
    name: 'SDN_LOG_COPY_DIR',
    apps: SERVICES,
    doc: 'Also append every log line to `<dir>/<service>-<pid>.log` (the test suite sets it and scans those files for secrets); unset: stdout only',
    schema: optionalText,
  }),
  metricsHost: setting({ name: 'SDN_METRICS_HOST', apps: WORKERS, doc: 'Address of the health and metrics endpoint (`/health/live`, `/health/ready`, `/metrics`)', default: '127.0.0.1', schema: z.string().min(1) }),
  metricsPort: setting({ name: 'SDN_METRICS_PORT', apps: WORKERS, doc: 'Port of the health and metrics endpoint; 0 = any free port', default: '9464', schema: integer(0, 65535) }),

  // ---- API
  apiHost: setting({ name: 'SDN_API_HOST', apps: ['api', 'start'], doc: 'Address the API listens on', default: '127.0.0.1', schema: z.string().min(1) }),
  apiPort: setting({ name: 'SDN_API_PORT', apps: ['api', 'start'], doc: 'Port the API listens on', default: '8006', schema: port }),
  apiTls: setting({ name: 'SDN_API_TLS', apps: ['api', 'start'], doc: 'HTTPS; `off` serves plain HTTP, for a TLS-terminating proxy in front', default: 'on', schema: flag }),
  tlsCert: setting({ name: 'SDN_TLS_CERT', apps: ['api', 'start'], doc: "The operator's certificate (PEM file) instead of the generated one; with SDN_TLS_KEY", schema: optionalText }),
  tlsKey: setting({ name: 'SDN_TLS_KEY', apps: ['api', 'start'], doc: 'Its private key (PEM file)', schema: optionalText }),
  tlsNames: setting({ name: 'SDN_TLS_NAMES', apps: ['api', 'start'], doc: "Further names/addresses in the generated certificate (a load balancer's name, a compose service name), separated by commas or blanks", default: '', emptyIsValue: true, schema: list }),
  dataDir: setting({ name: 'SDN_DATA_DIR', apps: ['api', 'start'], doc: "The product's files; the generated CA and certificate live in its `tls/`", default: '.data', schema: z.string().min(1) }),
  webDir: setting({
    name: 'SDN_WEB_DIR',
    apps: ['api'],
    doc: 'The built web panel the API serves at `/` (`npm run build:web`); `off`: no panel',
    default: () => resolve(__dirname, '../../../apps/web/dist'),
    defaultDoc: '`apps/web/dist` of the checkout',
    schema: z.string().min(1),
  }),
  apiRelay: setting({ name: 'SDN_API_RELAY', apps: ['api'], doc: 'Run the outbox relay in the API (off only in tests of the relay itself)', default: '1', schema: flag }),
  apiMetrics: setting({ name: 'SDN_API_METRICS', apps: ['api'], doc: 'Serve `/metrics` (Prometheus) on the API port, unauthenticated: aggregate series only, no user, token, address or request ids in labels; `off` serves none and times no requests', default: 'on', schema: flag }),
  apiNats: setting({ name: 'SDN_API_NATS', apps: ['api'], doc: 'Connect the API to NATS at all (dry runs and the relay need it)', default: '1', schema: flag }),
  apiDrainMs: setting({
    name: 'SDN_API_DRAIN_MS',
    apps: ['api'],
    doc: 'On SIGTERM the API answers 503 at `/health/ready` and keeps serving this long before it closes (longer than the proxy\'s check interval × fall, so the proxy stops sending first)',
    default: '5000',
    schema: integer(0),
  }),
  apiIpamInFlight: setting({ name: 'SDN_API_IPAM_IN_FLIGHT', apps: ['api'], doc: 'Allocation messages the API keeps in flight to the IPAM service', default: '2', schema: integer(1, 1000) }),
  apiIpamRetryMs: setting({
    name: 'SDN_API_IPAM_RETRY_MS',
    apps: ['api'],
    doc: 'How long the API keeps sending an IPAM request again while no IPAM replica answers (a replica or NATS server died or restarts) before it answers 503',
    default: '30000',
    schema: integer(0),
  }),
  bootstrapToken: setting({
    name: 'SDN_BOOTSTRAP_TOKEN',
    secret: true,
    apps: ['api', 'start'],
    doc: 'A root API token `USER@REALM!TOKENID=SECRET` installed at start (`npm start` makes one in .data/bootstrap-token)',
    schema: z.string().regex(/^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*=\S+$/, 'must be USER@REALM!TOKENID=SECRET').optional(),
  }),
  authFailThreshold: setting({ name: 'SDN_AUTH_FAIL_THRESHOLD', apps: ['api'], doc: 'Authentication failures per address or token id before backoff starts', default: '10', schema: integer(0) }),
  authFailBaseMs: setting({ name: 'SDN_AUTH_FAIL_BASE_MS', apps: ['api'], doc: 'First backoff after the threshold (doubles per failure)', default: '1000', schema: integer(0) }),
  authFailMaxMs: setting({ name: 'SDN_AUTH_FAIL_MAX_MS', apps: ['api'], doc: 'Longest backoff', default: '300000', schema: integer(0) }),
  authFailForgetMs: setting({ name: 'SDN_AUTH_FAIL_FORGET_MS', apps: ['api'], doc: 'A key without failures for this long starts over', default: '900000', schema: integer(0) }),
  dryRunMaxBytes: setting({ name: 'SDN_DRY_RUN_MAX_BYTES', apps: ['api'], doc: 'Largest file (rendered or running) a dry run diffs; larger answers 422', default: String(4 * 1024 * 1024), schema: integer(1) }),
  dryRunConcurrency: setting({ name: 'SDN_DRY_RUN_CONCURRENCY', apps: ['api'], doc: 'Dry-run computations at once per API replica', default: '2', schema: integer(1) }),
  dryRunQueue: setting({ name: 'SDN_DRY_RUN_QUEUE', apps: ['api'], doc: 'Dry runs waiting for a slot before further ones answer 503', default: '16', schema: integer(0) }),
  nodeHeartbeatMs: setting({ name: 'SDN_NODE_HEARTBEAT_MS', apps: ['api'], doc: 'Heartbeat interval assumed for agents that do not announce theirs', default: '5000', schema: integer(1) }),
  nodeMissedHeartbeats: setting({ name: 'SDN_NODE_MISSED_HEARTBEATS', apps: ['api'], doc: 'Missed heartbeats after which a node is offline', default: '3', schema: integer(1) }),

  // ---- Config service
  configAckWaitMs: setting({
    name: 'SDN_CONFIG_ACK_WAIT_MS',
    aliases: ['CONFIG_SERVICE_ACK_WAIT_MS'],
    apps: ['config-service'],
    doc: "How long a dead replica's message waits before another replica gets it",
    default: '30000',
    schema: integer(1),
  }),

  // ---- IPAM service
  ipamRelayDelayMs: setting({ name: 'SDN_IPAM_RELAY_DELAY_MS', aliases: ['IPAM_RELAY_DELAY_MS'], apps: ['ipam-service'], doc: 'Wait after a commit before the IP-event relay runs (commits in that window share one run)', default: '50', schema: integer(0) }),
  ipamSyncMaxAgeMs: setting({ name: 'SDN_IPAM_SYNC_MAX_AGE_MS', aliases: ['IPAM_SYNC_MAX_AGE_MS'], apps: ['ipam-service'], doc: 'Age after which an external-IPAM registration without its subnet event is repaired', defaultDoc: 'the service\'s (see SubnetSync)', schema: integer(1).optional() }),
  ipamSyncSweepMs: setting({ name: 'SDN_IPAM_SYNC_SWEEP_MS', aliases: ['IPAM_SYNC_SWEEP_MS'], apps: ['ipam-service'], doc: 'How often those registrations are checked', defaultDoc: 'the service\'s (see SubnetSync)', schema: integer(1).optional() }),

  // ---- DNS service
  dnsDurable: setting({ name: 'SDN_DNS_DURABLE', aliases: ['DNS_DURABLE'], apps: ['dns-service'], doc: 'Durable consumer name shared by the DNS replicas', default: 'dns-service', schema: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -') }),
  dnsMaxInFlight: setting({ name: 'SDN_DNS_MAX_IN_FLIGHT', aliases: ['DNS_MAX_IN_FLIGHT'], apps: ['dns-service'], doc: 'IP events a DNS replica works on at once', defaultDoc: "the consumer's", schema: integer(1).optional() }),

  // ---- Node agent
  agentMode: setting({ name: 'SDN_AGENT_MODE', apps: ['node-agent'], doc: '`safe`: write files under SDN_AGENT_ROOT only, run nothing; `live`: apply to the node', default: 'safe', schema: oneOf(['safe', 'live'] as const) }),
  agentRoot: setting({
    name: 'SDN_AGENT_ROOT',
    apps: ['node-agent'],
    doc: 'Stands in for `/` (files go to `<root>/etc/network/interfaces.d/sdn`, …)',
    defaultDoc: '`/` in live mode, `.data/nodes/<node>` in safe mode',
    schema: optionalText,
  }),
  agentHeartbeatMs: setting({ name: 'SDN_AGENT_HEARTBEAT_MS', aliases: ['SDN_HEARTBEAT_MS'], apps: ['node-agent'], doc: 'Interval of the agent\'s heartbeat', default: '5000', schema: integer(1) }),
  agentFactsIntervalMs: setting({ name: 'SDN_AGENT_FACTS_INTERVAL_MS', aliases: ['SDN_FACTS_INTERVAL_MS'], apps: ['node-agent'], doc: 'How often kernel facts are re-read (published only when changed)', default: '10000', schema: integer(1) }),
  agentKernelFacts: setting({ name: 'SDN_AGENT_KERNEL_FACTS', apps: ['node-agent'], doc: 'Read `ip -j …` for facts (off for many in-process agents in benchmarks)', default: '1', schema: flag }),
  agentKeepHistory: setting({ name: 'SDN_AGENT_KEEP_HISTORY', apps: ['node-agent'], doc: 'Previous bundle versions kept under `<root>/var/lib/sdn-agent/history`', default: '5', schema: integer(1) }),
  agentStatusContract: setting({ name: 'SDN_AGENT_STATUS_CONTRACT', apps: ['node-agent'], doc: 'NodeStatus version published: `v1` only for API replicas older than v2 during an upgrade', default: 'v2', schema: oneOf(['v1', 'v2'] as const) }),
  agentWrapper: setting({ name: 'SDN_AGENT_WRAPPER', apps: ['node-agent'], doc: 'Command prepended to the ifupdown2 commands (the lab\'s namespace wrapper)', default: '', emptyIsValue: true, schema: words }),
  agentIfreload: setting({ name: 'SDN_AGENT_IFRELOAD', apps: ['node-agent'], doc: 'Applies the interfaces', default: 'ifreload -a', emptyIsValue: true, schema: words }),
  agentIfquery: setting({ name: 'SDN_AGENT_IFQUERY', apps: ['node-agent'], doc: "Checks them (must print ifupdown2's JSON)", default: 'ifquery -a -c -o json', emptyIsValue: true, schema: words }),
  agentFrrReload: setting({ name: 'SDN_AGENT_FRR_RELOAD', apps: ['node-agent'], doc: 'Reloads FRR (`{frrConf}` = the file); empty = no FRR on this node', default: '/usr/lib/frr/frr-reload.py --reload {frrConf}', emptyIsValue: true, schema: words }),
  agentFrrRestart: setting({ name: 'SDN_AGENT_FRR_RESTART', apps: ['node-agent'], doc: 'Restarts FRR when a fabric switches `fabricd`/`ospfd` in /etc/frr/daemons (a reload cannot start or stop a daemon; `{frrConf}` = the file); empty = such an apply fails', default: 'systemctl restart frr', emptyIsValue: true, schema: words }),
  agentVtysh: setting({ name: 'SDN_AGENT_VTYSH', apps: ['node-agent'], doc: "FRR's shell for the API's live route queries", default: 'vtysh', emptyIsValue: true, schema: words }),

  // ---- Example audit consumer
  auditName: setting({ name: 'SDN_AUDIT_NAME', apps: ['audit-consumer'], doc: 'The auditor identity and durable consumer `audit-<name>` (`sdnctl nats auditor NAME`); `--name` overrides', schema: optionalText }),
  eventsStream: setting({ name: 'SDN_EVENTS_STREAM', apps: ['audit-consumer'], doc: 'Stream the audit consumer reads; `--stream` overrides', defaultDoc: 'the events stream of SDN_BUS_NAMESPACE', schema: optionalText }),

  // ---- sdnctl and npm start
  natsIdentityDir: setting({ name: 'SDN_NATS_IDENTITY_DIR', apps: ['sdnctl', 'start'], doc: 'Where `sdnctl nats` and `npm start` keep the NATS nkey identities', default: '.data/nats-auth/identities', schema: text }),
  natsAuth: setting({ name: 'SDN_NATS_AUTH', apps: ['start'], doc: 'The NATS server `npm start` runs checks per-identity permissions (`0`: open)', default: '1', schema: flag }),
  debug: setting({ name: 'SDN_DEBUG', apps: ['sdnctl'], doc: 'Print stack traces of errors', default: '0', schema: flag }),
  cliUrl: setting({ name: 'SDN_URL', apps: ['sdnctl'], doc: "The API's base URL for `sdnctl`, e.g. `https://pve1:8006` (`--url` overrides)", defaultDoc: "the profile's", schema: optionalText }),
  cliToken: setting({ name: 'SDN_TOKEN', secret: true, apps: ['sdnctl'], doc: "`sdnctl`'s API token `USER@REALM!TOKENID=SECRET` (`--token` overrides)", defaultDoc: "the profile's token or ticket", schema: optionalText }),
  cliCaFile: setting({ name: 'SDN_CA_FILE', apps: ['sdnctl'], doc: 'CA certificate (PEM) `sdnctl` trusts for the API (`--ca`)', defaultDoc: "the profile's, else the system's", schema: optionalText }),
  cliFingerprint: setting({ name: 'SDN_FINGERPRINT', apps: ['sdnctl'], doc: "SHA-256 fingerprint of the API's certificate that `sdnctl` pins (`--fingerprint`)", schema: optionalText }),
  cliProfile: setting({ name: 'SDN_PROFILE', apps: ['sdnctl'], doc: '`sdnctl` profile to use (`--profile`)', defaultDoc: "the file's current one", schema: optionalText }),
  cliConfigFile: setting({
    name: 'SDN_CLI_CONFIG',
    aliases: ['SDNCTL_CONFIG'],
    apps: ['sdnctl'],
    doc: "`sdnctl`'s profile file",
    // The XDG base directory convention every CLI shares, so its variables keep their own names.
    default: (env) => join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'sdnctl', 'config.json'),
    defaultDoc: '`$XDG_CONFIG_HOME/sdnctl/config.json` (`~/.config/…`)',
    schema: text,
  }),
  // The no-color.org and FORCE_COLOR conventions, under their common names as aliases.
  cliNoColor: setting({ name: 'SDN_NO_COLOR', aliases: ['NO_COLOR'], apps: ['sdnctl'], doc: '`sdnctl`: any value turns colours off, also on a terminal (`--no-color`)', schema: presence }),
  cliForceColor: setting({ name: 'SDN_FORCE_COLOR', aliases: ['FORCE_COLOR'], apps: ['sdnctl'], doc: '`sdnctl`: colours also when not writing to a terminal (`0`/`false`: not forced)', schema: forced }),
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;
export type { Env };
