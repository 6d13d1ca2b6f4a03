import { type DynamicModule, Module } from '@nestjs/common';
import type { Bus } from '@sdn/bus';
import { consumerReady } from '@sdn/service-kit';
import { BUS, durableConsumers } from '@sdn/service-kit/nest';
import { ConfigService } from './service/config-service';

/**
 * The config service as a Nest module: no request/reply of its own; its two durable consumers
 * (ConfigApplied, node facts) are ConfigService's, bound and stopped as a provider. Ready once
 * both exist on the server. Run several replicas: they share the durables, each message is handled once.
 */
@Module({})
export class ConfigServiceModule {
  static forRoot(o: { ackWaitMs?: number }): DynamicModule {
    return {
      module: ConfigServiceModule,
      providers: [
        { provide: ConfigService, useFactory: (bus: Bus) => new ConfigService({ bus, ackWaitMs: o.ackWaitMs }), inject: [BUS] },
        durableConsumers<[ConfigService, Bus]>({
          inject: [ConfigService, BUS],
          start: async (service) => {
            await service.start();
            return service;
          },
          ready: (_service, bus) => {
            const { events, facts } = bus.topology.streams;
            return async () => (await consumerReady(bus.jsm, events.name, 'config-service-config-applied')()) && consumerReady(bus.jsm, facts.name, 'config-service-facts')();
          },
        }),
      ],
    };
  }
}
