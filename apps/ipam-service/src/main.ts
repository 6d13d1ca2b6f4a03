import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { connectBus, type Bus } from '@sdn/bus';
import { DataSource } from 'typeorm';
import { PVE_IPAM_ENTITIES } from './pve/entities';
import { PveIpamStore } from './pve/pve-ipam.store';
import { PveIpam1764300000000 } from './migrations/1764300000000-pve-ipam';
import { PveIpamNextFree1764300000001 } from './migrations/1764300000001-pve-ipam-next-free';
import { IpamRpc } from './service/ipam-rpc';
import { IpamServiceModule } from './service/ipam-service.module';
import { jetStreamIpEvents } from './service/ip-events';
import { consumeSubnetEvents } from './service/subnet-events';

export interface IpamServiceOptions {
  pgUrl: string;
  natsUrl?: string;
  /** pass an isolated bus in tests */
  bus?: Bus;
  poolSize?: number;
  consumeSubnets?: boolean;
}

/** Starts one replica; any number can run side by side (NATS queue group + DB uniqueness). */
export async function startIpamService(o: IpamServiceOptions) {
  const db = new DataSource({ type: 'postgres', url: o.pgUrl, entities: PVE_IPAM_ENTITIES, migrations: [PveIpam1764300000000, PveIpamNextFree1764300000001], extra: { max: o.poolSize ?? 20 } });
  await db.initialize();
  await db.runMigrations({ transaction: 'all' });
  const ownBus = !o.bus;
  const bus = o.bus ?? (await connectBus({ name: 'ipam-service', url: o.natsUrl }));
  const store = new PveIpamStore(db);
  const rpc = new IpamRpc(store, jetStreamIpEvents(bus));
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(IpamServiceModule.forRpc(rpc), {
    transport: Transport.NATS,
    // queue group: each request is answered by exactly one replica
    options: { servers: [o.natsUrl ?? 'nats://127.0.0.1:4222'], queue: 'ipam-service' },
    logger: ['error', 'warn'],
  });
  await app.listen();
  const consumer = o.consumeSubnets === false ? undefined : await consumeSubnetEvents(bus, rpc, store);
  return {
    rpc,
    store,
    db,
    async close() {
      await consumer?.stop();
      await app.close();
      if (ownBus) await bus.close();
      await db.destroy();
    },
  };
}

if (require.main === module) {
  startIpamService({ pgUrl: process.env.IPAM_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/sdn_ipam', natsUrl: process.env.NATS_URL }).then(
    (s) => {
      const stop = () => s.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
