import 'reflect-metadata';
import type { Bus } from '@sdn/bus';
import { exitOnStartFailure, ipamServiceConfig } from '@sdn/config';
import { IPAM_RPC_QUEUE } from '@sdn/ipam';
import { createWorkerApp, runWorker } from '@sdn/service-kit/nest';
import { DataSource } from 'typeorm';
import { PveIpamStore } from './pve/pve-ipam.store';
import { IpamRpc } from './service/ipam-rpc';
import { IPAM_RELAY, IpamServiceModule, type IpamServiceOptions } from './ipam-service.module';
import type { TransactionalOutboxRelay } from '@sdn/outbox';

export { coalescedKick, ipamDataSource, ipamRelay, type IpamServiceOptions } from './ipam-service.module';

/**
 * One replica in this process on a connected bus (tests run two on one isolated bus): the same
 * Nest application as `main`, without the health server and the signal handling.
 */
export async function startIpamService(o: IpamServiceOptions & { bus: Bus }) {
  const worker = await createWorkerApp({ service: 'ipam-service', module: IpamServiceModule.forRoot(o), bus: o.bus, rpcQueue: IPAM_RPC_QUEUE });
  const { app } = worker;
  return {
    rpc: app.get(IpamRpc),
    store: app.get(PveIpamStore),
    db: app.get(DataSource),
    bus: o.bus,
    relay: app.get<symbol, TransactionalOutboxRelay | null>(IPAM_RELAY) ?? undefined,
    close: () => worker.close(),
  };
}

async function main(): Promise<void> {
  const cfg = ipamServiceConfig();
  await runWorker({
    service: 'ipam-service',
    settings: cfg,
    rpcQueue: IPAM_RPC_QUEUE,
    module: IpamServiceModule.forRoot({
      pgUrl: cfg.pgUrl,
      secretKey: cfg.secretKey,
      poolSize: cfg.poolSize,
      relayDelayMs: cfg.relayDelayMs,
      syncMaxAgeMs: cfg.syncMaxAgeMs,
      sweepEveryMs: cfg.sweepEveryMs,
    }),
  });
}

if (require.main === module) main().catch(exitOnStartFailure('ipam-service'));
