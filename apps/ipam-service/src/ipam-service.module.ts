import { type BeforeApplicationShutdown, type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Bus } from '@sdn/bus';
import { MIGRATION_LOCKS, runMigrationsLocked } from '@sdn/event-store';
import { TransactionalOutboxRelay } from '@sdn/outbox';
import { secretBoxFor } from '@sdn/secrets';
import { consumerReady, postgresReady } from '@sdn/service-kit';
import { BUS, durableConsumers, READINESS, type Readiness } from '@sdn/service-kit/nest';
import { DataSource } from 'typeorm';
import { IPAM_MIGRATIONS } from './migrations';
import { ipamOutboxSource } from './outbox/ip-outbox';
import { PVE_IPAM_ENTITIES } from './pve/entities';
import { PveIpamStore } from './pve/pve-ipam.store';
import { IpamRpc } from './service/ipam-rpc';
import { IpamRpcController } from './service/ipam-rpc.controller';
import { consumeSubnetEvents, externalPlugin, type PluginFactory } from './service/subnet-events';
import { SubnetSync } from './service/subnet-sync';

export interface IpamServiceOptions {
  pgUrl: string;
  /** `SDN_SECRET_KEY`: opens the tokens of phpIPAM/NetBox objects (default plugin factory only). */
  secretKey?: string;
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

const PLUGINS = Symbol('ipam.plugins');
/** The replica's outbox relay, or null when `relay: false`. */
export const IPAM_RELAY = Symbol('ipam.relay');

/** The database (the pool is closed last) and the outbox relay (stopped once nothing commits any more). */
@Injectable()
class IpamLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly db: DataSource,
    @Inject(IPAM_RELAY) private readonly relay: TransactionalOutboxRelay | null,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    this.relay?.start(1000);
    this.readiness.setCheck('postgres', postgresReady((sql) => this.db.query(sql)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * One replica of the IPAM service; any number run side by side (NATS queue group + DB uniqueness).
 * Readiness: PostgreSQL, NATS (the worker skeleton's) and the zone/IPAM consumers.
 */
@Module({})
export class IpamServiceModule {
  static forRoot(o: IpamServiceOptions): DynamicModule {
    return {
      module: IpamServiceModule,
      controllers: [IpamRpcController],
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const db = ipamDataSource(o.pgUrl, o.poolSize);
            await db.initialize();
            await runMigrationsLocked(db, o.pgUrl, MIGRATION_LOCKS.ipam, 'all');
            return db;
          },
        },
        { provide: PveIpamStore, useFactory: (db: DataSource) => new PveIpamStore(db), inject: [DataSource] },
        { provide: PLUGINS, useFactory: () => o.pluginFor ?? externalPlugin(secretBoxFor(o.secretKey)) },
        { provide: IPAM_RELAY, useFactory: (db: DataSource, bus: Bus) => (o.relay === false ? null : ipamRelay(db, bus)), inject: [DataSource, BUS] },
        {
          provide: IpamRpc,
          useFactory: (store: PveIpamStore, relay: TransactionalOutboxRelay | null, pluginFor: PluginFactory) =>
            new IpamRpc(store, relay ? coalescedKick(() => relay.kick(), o.relayDelayMs ?? 50) : undefined, pluginFor),
          inject: [PveIpamStore, IPAM_RELAY, PLUGINS],
        },
        { provide: SubnetSync, useFactory: (db: DataSource, pluginFor: PluginFactory, bus: Bus) => new SubnetSync(db, pluginFor, (m, meta) => bus.log.warn(m, meta)), inject: [DataSource, PLUGINS, BUS] },
        IpamLifecycle,
        // The subnet-lifecycle consumers (zones, IPAM objects, subnets); ready once the zone and IPAM ones are bound.
        ...(o.consumeSubnets === false
          ? []
          : [
              durableConsumers<[Bus, IpamRpc, DataSource, SubnetSync, PluginFactory]>({
                inject: [BUS, IpamRpc, DataSource, SubnetSync, PLUGINS],
                start: (bus, rpc, db, sync, pluginFor) => consumeSubnetEvents(bus, rpc, db, { pluginFor, sync, syncMaxAgeMs: o.syncMaxAgeMs, sweepEveryMs: o.sweepEveryMs }),
                ready: (bus) => {
                  const stream = bus.topology.streams.events.name;
                  return async () => (await consumerReady(bus.jsm, stream, 'ipam-service-zones')()) && consumerReady(bus.jsm, stream, 'ipam-service-ipams')();
                },
              }),
            ]),
      ],
    };
  }
}
