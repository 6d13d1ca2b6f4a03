import { read, readAll, type Env } from './setting';
import { SETTINGS as S } from './settings';

/**
 * What each app reads, as one call per app: the app validates everything it
 * needs at start (a bad value fails the start, naming the variable) and
 * passes values on; libraries never look at the environment.
 * `env` defaults to the process's: this module is the one place that reads it.
 */
const processEnv = (): Env => process.env;

/**
 * `url` with SDN_DATABASE_PASSWORD filled in when it names no password: a password file (a Docker secret,
 * the one compose's sdn-init generates) then serves a URL kept in plain configuration. Encoded here because
 * the URL setter leaves `%` as it is, which PostgreSQL's client would then decode.
 */
function withDatabasePassword(url: string, env: Env): string {
  const password = read(S.databasePassword, env);
  const u = new URL(url);
  if (password === undefined || u.password) return url;
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** NATS credentials: nkey seed file, JWT creds file, user/password or token (structurally @sdn/bus's BusCredentials). */
export interface NatsCredentials {
  nkeyFile?: string;
  credsFile?: string;
  user?: string;
  pass?: string;
  token?: string;
  inboxPrefix?: string;
}

export interface BusConfig {
  url: string;
  credentials: NatsCredentials;
  namespace: string;
  /** `SDN_NATS_STREAM_REPLICAS`, for the services that create the streams. */
  streamReplicas?: number;
}

export function busConfig(env: Env = processEnv()): BusConfig {
  const v = readAll({ url: S.natsUrl, nkeyFile: S.natsNkeyFile, credsFile: S.natsCreds, user: S.natsUser, pass: S.natsPass, token: S.natsToken, inboxPrefix: S.natsInboxPrefix, namespace: S.busNamespace, streamReplicas: S.natsStreamReplicas }, env);
  const credentials: NatsCredentials = {};
  if (v.nkeyFile) credentials.nkeyFile = v.nkeyFile;
  if (v.credsFile) credentials.credsFile = v.credsFile;
  if (v.user) Object.assign(credentials, { user: v.user, pass: v.pass ?? '' });
  if (v.token) credentials.token = v.token;
  if (v.inboxPrefix) credentials.inboxPrefix = v.inboxPrefix;
  return { url: v.url, credentials, namespace: v.namespace, ...(v.streamReplicas === undefined ? {} : { streamReplicas: v.streamReplicas }) };
}

/** Logging, health and metrics: the same for every service. */
export function serviceBaseConfig(env: Env = processEnv()) {
  return readAll({ logLevel: S.logLevel, logCopyDir: S.logCopyDir, metricsHost: S.metricsHost, metricsPort: S.metricsPort }, env);
}

export function apiConfig(env: Env = processEnv()) {
  const v = readAll(
    {
      host: S.apiHost,
      port: S.apiPort,
      databaseUrl: S.databaseUrl,
      dbPoolSize: S.dbPool,
      bootstrapToken: S.bootstrapToken,
      nodeName: S.nodeName,
      clusterName: S.clusterName,
      tls: S.apiTls,
      tlsCert: S.tlsCert,
      tlsKey: S.tlsKey,
      tlsNames: S.tlsNames,
      dataDir: S.dataDir,
      webDir: S.webDir,
      relay: S.apiRelay,
      nats: S.apiNats,
      metrics: S.apiMetrics,
      secretKey: S.secretKey,
      ipamInFlight: S.apiIpamInFlight,
      ipamRetryMs: S.apiIpamRetryMs,
      drainMs: S.apiDrainMs,
      threshold: S.authFailThreshold,
      baseMs: S.authFailBaseMs,
      maxMs: S.authFailMaxMs,
      forgetMs: S.authFailForgetMs,
      dryRunMaxBytes: S.dryRunMaxBytes,
      dryRunConcurrency: S.dryRunConcurrency,
      dryRunQueue: S.dryRunQueue,
      defaultHeartbeatMs: S.nodeHeartbeatMs,
      missedHeartbeats: S.nodeMissedHeartbeats,
      logLevel: S.logLevel,
      logCopyDir: S.logCopyDir,
    },
    env,
  );
  const bus = busConfig(env);
  return {
    host: v.host,
    port: v.port,
    databaseUrl: withDatabasePassword(v.databaseUrl, env),
    dbPoolSize: v.dbPoolSize,
    bootstrapToken: v.bootstrapToken,
    nodeName: v.nodeName,
    clusterName: v.clusterName,
    tls: v.tls,
    tlsCert: v.tlsCert,
    tlsKey: v.tlsKey,
    tlsNames: v.tlsNames,
    dataDir: v.dataDir,
    webDir: v.webDir,
    relay: v.relay,
    nats: v.nats,
    metrics: v.metrics,
    secretKey: v.secretKey,
    ipamInFlight: v.ipamInFlight,
    ipamRetryMs: v.ipamRetryMs,
    drainMs: v.drainMs,
    natsUrl: bus.url,
    natsCredentials: bus.credentials,
    busNamespace: bus.namespace,
    authRateLimit: { threshold: v.threshold, baseMs: v.baseMs, maxMs: v.maxMs, forgetMs: v.forgetMs },
    liveness: { defaultHeartbeatMs: v.defaultHeartbeatMs, missedHeartbeats: v.missedHeartbeats },
    dryRun: { maxFileBytes: v.dryRunMaxBytes, concurrency: v.dryRunConcurrency, queue: v.dryRunQueue },
    logLevel: v.logLevel,
    logCopyDir: v.logCopyDir,
  };
}
export type ApiSettings = ReturnType<typeof apiConfig>;

export function configServiceConfig(env: Env = processEnv()) {
  return { ...serviceBaseConfig(env), bus: busConfig(env), ...readAll({ ackWaitMs: S.configAckWaitMs }, env) };
}
export type ConfigServiceSettings = ReturnType<typeof configServiceConfig>;

export function ipamServiceConfig(env: Env = processEnv()) {
  const v = readAll(
    { pgUrl: S.ipamDatabaseUrl, poolSize: S.ipamDbPool, relayDelayMs: S.ipamRelayDelayMs, syncMaxAgeMs: S.ipamSyncMaxAgeMs, sweepEveryMs: S.ipamSyncSweepMs, secretKey: S.secretKey },
    env,
  );
  return { ...serviceBaseConfig(env), bus: busConfig(env), ...v, pgUrl: withDatabasePassword(v.pgUrl, env) };
}
export type IpamServiceSettings = ReturnType<typeof ipamServiceConfig>;

export function dnsServiceConfig(env: Env = processEnv()) {
  return { ...serviceBaseConfig(env), bus: busConfig(env), ...readAll({ durable: S.dnsDurable, maxInFlight: S.dnsMaxInFlight, secretKey: S.secretKey }, env) };
}
export type DnsServiceSettings = ReturnType<typeof dnsServiceConfig>;

export function nodeAgentConfig(env: Env = processEnv()) {
  return {
    ...serviceBaseConfig(env),
    bus: busConfig(env),
    ...readAll(
      {
        node: S.nodeName,
        mode: S.agentMode,
        root: S.agentRoot,
        heartbeatMs: S.agentHeartbeatMs,
        factsIntervalMs: S.agentFactsIntervalMs,
        kernelFacts: S.agentKernelFacts,
        keepHistory: S.agentKeepHistory,
        statusContract: S.agentStatusContract,
        wrapper: S.agentWrapper,
        ifreload: S.agentIfreload,
        ifquery: S.agentIfquery,
        frrReload: S.agentFrrReload,
        frrRestart: S.agentFrrRestart,
        vtysh: S.agentVtysh,
      },
      env,
    ),
  };
}
export type NodeAgentSettings = ReturnType<typeof nodeAgentConfig>;

export function auditConsumerConfig(env: Env = processEnv()) {
  return { bus: busConfig(env), ...readAll({ name: S.auditName, stream: S.eventsStream }, env) };
}

export function sdnctlConfig(env: Env = processEnv()) {
  const v = readAll({ databaseUrl: S.databaseUrl, natsIdentityDir: S.natsIdentityDir, debug: S.debug }, env);
  return { bus: busConfig(env), ...v, databaseUrl: withDatabasePassword(v.databaseUrl, env) };
}

/** What `sdnctl` needs to reach the API (no database or NATS settings are read for it). */
export function sdnctlClientConfig(env: Env = processEnv()) {
  return readAll(
    { url: S.cliUrl, token: S.cliToken, caFile: S.cliCaFile, fingerprint: S.cliFingerprint, profile: S.cliProfile, configFile: S.cliConfigFile, noColor: S.cliNoColor, forceColor: S.cliForceColor, debug: S.debug },
    env,
  );
}

/** `npm start`: its own NATS on 4223 unless one is named (a shared 4222 may belong to another program). */
export function launcherConfig(env: Env = processEnv()) {
  const named = env.SDN_NATS_URL || env.NATS_URL;
  const v = readAll(
    { databaseUrl: S.databaseUrl, nodeName: S.nodeName, apiHost: S.apiHost, apiPort: S.apiPort, bootstrapToken: S.bootstrapToken, secretKey: S.secretKey, natsIdentityDir: S.natsIdentityDir, natsAuth: S.natsAuth, namespace: S.busNamespace },
    env,
  );
  return {
    ...v,
    databaseUrl: withDatabasePassword(v.databaseUrl, env),
    bus: busConfig(named ? env : { ...env, SDN_NATS_URL: 'nats://127.0.0.1:4223' }),
    natsUrlNamed: !!named,
  };
}
