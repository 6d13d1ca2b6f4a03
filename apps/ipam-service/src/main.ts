import 'reflect-metadata';
import { busTopology, connectBus, ensureStreams, sdnStreamSpecs, type Bus, type BusLogger } from '@sdn/bus';
import { exitOnStartFailure, ipamServiceConfig, type NatsCredentials } from '@sdn/config';
import { consumerReady, createLogger, messageLogger, natsReady, postgresReady, startHealthServer, stopOnSignals } from '@sdn/service-kit';
import { TransactionalOutboxRelay } from '@sdn/outbox';
import { DataSource } from 'typeorm';
import { PVE_IPAM_ENTITIES } from './pve/entities';
import { PveIpamStore } from './pve/pve-ipam.store';
import { IPAM_MIGRATIONS } from './migrations';
import { ipamOutboxSource } from './outbox/ip-outbox';
import { IpamRpc } from './service/ipam-rpc';
import { serveIpamRpc } from './service/rpc-server';
import { consumeSubnetEvents, externalPlugin, type PluginFactory } from './service/subnet-events';
import { SubnetSync } from './service/subnet-sync';
import { secretBoxFor } from '@sdn/secrets';
import { MIGRATION_LOCKS, runMigrationsLocked } from '@sdn/event-store';

export interface IpamServiceOptions {
  pgUrl: string;
  /** SDN_NATS_STREAM_REPLICAS (see sdnStreamSpecs). */
  streamReplicas?: number;
  natsUrl?: string;
  natsCredentials?: NatsCredentials;
  busNamespace?: string;
  /** `SDN_SECRET_KEY`: opens the tokens of phpIPAM/NetBox objects (default plugin factory only). */
  secretKey?: string;
  /** pass an isolated bus in tests */
  bus?: Bus;
  /** The service's logger for its own connection (main passes the JSON one). */
  log?: BusLogger;
  poolSize?: number;
  consumeSubnets?: boolean;
  /** false: leave the outbox to another process (tests of the relay's crash behaviour) */
  relay?: boolean;
  /**
   * How long a commit waits before it kicks the relay (default 50 ms). Commits in that window
   * share one relay run: a run is several round trips (transaction, lock, read, delete) plus a
   * JetStream flush, so kicking once per commit cost more than the allocation itself under load.
   */
  relayDelayMs?: number;
  /** phpIPAM/NetBox plugin of an IPAM object (tests point it at fake servers); default: real HTTP, token opened with SDN_SECRET_KEY */
  pluginFor?: PluginFactory;
  /** Repair of external-IPAM registrations whose subnet event never came (see SubnetSync): age and period. */
  syncMaxAgeMs?: number;
  sweepEveryMs?: number;
}

export function ipamDataSource(url: string, poolSize = 20): DataSource {
  return new DataSource({ type: 'postgres', url, entities: PVE_IPAM_ENTITIES, migrations: IPAM_MIGRATIONS, extra: { max: poolSize } });
}

/** The outbox relay of one replica (only one replica relays at a time; see ipamOutboxSource). */
export function ipamRelay(db: DataSource, bus: Pick<Bus, 'js' | 'topology' | 'log'>, opts: { afterPublish?: () => void } = {}) {
  return new TransactionalOutboxRelay(db, bus.js, ipamOutboxSource, {
    topology: bus.topology,
    afterPublish: opts.afterPublish,
    metricsName: 'ipam',
    onError: (e) => bus.log.warn('ip event relay failed, will retry', { error: String((e as Error)?.message ?? e) }),
  });
}

/** At most one pending call of `kick`, `ms` after the first request for it. */
export function coalescedKick(kick: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, ms);
  };
}

/** Starts one replica; any number can run side by side (NATS queue group + DB uniqueness). */
export async function startIpamService(o: IpamServiceOptions) {
  const db = ipamDataSource(o.pgUrl, o.poolSize);
  await db.initialize();
  await runMigrationsLocked(db, o.pgUrl, MIGRATION_LOCKS.ipam, 'all');
  const ownBus = !o.bus;
  const bus = o.bus ?? (await connectBus({ name: 'ipam-service', url: o.natsUrl, credentials: o.natsCredentials, topology: busTopology(o.busNamespace ?? ''), log: o.log }));
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology, o.streamReplicas));
  const store = new PveIpamStore(db);
  const relay = o.relay === false ? undefined : ipamRelay(db, bus);
  const pluginFor = o.pluginFor ?? externalPlugin(secretBoxFor(o.secretKey));
  const rpc = new IpamRpc(store, relay ? coalescedKick(() => relay.kick(), o.relayDelayMs ?? 50) : undefined, pluginFor);
  relay?.start(1000);
  const sync = new SubnetSync(db, pluginFor, (m, meta) => bus.log.warn(m, meta));
  const server = serveIpamRpc(bus, rpc, sync);
  const consumer =
    o.consumeSubnets === false ? undefined : await consumeSubnetEvents(bus, rpc, db, { pluginFor, sync, syncMaxAgeMs: o.syncMaxAgeMs, sweepEveryMs: o.sweepEveryMs });
  return {
    rpc,
    store,
    db,
    bus,
    relay,
    async close() {
      await consumer?.stop();
      await server.stop();
      await relay?.stop();
      if (ownBus) await bus.close();
      await db.destroy();
    },
  };
}

async function main(): Promise<void> {
  const cfg = ipamServiceConfig();
  const logger = createLogger({ service: 'ipam-service', level: cfg.logLevel });
  const health = await startHealthServer({ host: cfg.metricsHost, port: cfg.metricsPort, checks: { consumers: () => false } });
  const s = await startIpamService({
    log: messageLogger(logger),
    pgUrl: cfg.pgUrl,
    natsUrl: cfg.bus.url,
    natsCredentials: cfg.bus.credentials,
    busNamespace: cfg.bus.namespace,
    streamReplicas: cfg.bus.streamReplicas,
    secretKey: cfg.secretKey,
    poolSize: cfg.poolSize,
    relayDelayMs: cfg.relayDelayMs,
    syncMaxAgeMs: cfg.syncMaxAgeMs,
    sweepEveryMs: cfg.sweepEveryMs,
  });
  const stream = s.bus.topology.streams.events.name;
  health.setCheck('postgres', postgresReady((sql) => s.db.query(sql)));
  health.setCheck('nats', natsReady(s.bus.nc));
  health.setCheck('consumers', async () => (await consumerReady(s.bus.jsm, stream, 'ipam-service-zones')()) && consumerReady(s.bus.jsm, stream, 'ipam-service-ipams')());
  logger.info({ metrics: `${cfg.metricsHost}:${health.port}` }, 'ipam service ready');
  stopOnSignals(logger, async () => {
    await s.close();
    await health.close();
  });
}

if (require.main === module) main().catch(exitOnStartFailure('ipam-service'));
