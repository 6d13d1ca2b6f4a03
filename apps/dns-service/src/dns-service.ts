import { type DynamicModule, Module } from '@nestjs/common';
import type { Bus } from '@sdn/bus';
import { dnsServiceConfig } from '@sdn/config';
import { consumerReady } from '@sdn/service-kit';
import { BUS, createWorkerApp, durableConsumers, runWorker } from '@sdn/service-kit/nest';
import { secretBoxFor } from '@sdn/secrets';
import { RunningConfigTracker } from './config/running-config';
import { IpEventConsumer, type IpEventConsumerOptions } from './consumer/ip-event-consumer';
import { PluginRegistry } from './plugins/plugin-registry';

export type DnsServiceOptions = Partial<Omit<IpEventConsumerOptions, 'bus' | 'config'>> & { secretKey?: string };

/**
 * The DNS service as a Nest module: the running-config tracker and the durable IP-event
 * consumer, bound (tracker first: the consumer reads zones from it) and stopped as one
 * provider. No request/reply of its own. Ready once the durable consumer exists.
 */
@Module({})
export class DnsServiceModule {
  static forRoot(opts: DnsServiceOptions): DynamicModule {
    return {
      module: DnsServiceModule,
      providers: [
        { provide: RunningConfigTracker, useFactory: (bus: Bus) => new RunningConfigTracker(bus), inject: [BUS] },
        {
          provide: IpEventConsumer,
          useFactory: (bus: Bus, config: RunningConfigTracker) =>
            new IpEventConsumer({ bus, config, pluginFor: opts.pluginFor ?? new PluginRegistry({ secrets: secretBoxFor(opts.secretKey) }).pluginFor, ...opts }),
          inject: [BUS, RunningConfigTracker],
        },
        durableConsumers<[Bus, RunningConfigTracker, IpEventConsumer]>({
          inject: [BUS, RunningConfigTracker, IpEventConsumer],
          start: async (bus, config, consumer) => {
            await config.start();
            await consumer.start();
            bus.log.info('dns-service consuming ip events', { durable: consumer.durable, runningVersion: config.current()?.version ?? null });
            return {
              async stop() {
                await consumer.stop();
                config.stop();
              },
            };
          },
          ready: (bus, _config, consumer) => consumerReady(bus.jsm, bus.topology.streams.events.name, consumer.durable),
        }),
      ],
    };
  }
}

export interface DnsService {
  readonly bus: Bus;
  readonly config: RunningConfigTracker;
  readonly consumer: IpEventConsumer;
  stop(): Promise<void>;
}

/**
 * The DNS service in this process on a connected bus (tests and the benchmark run replicas on
 * an isolated namespace): the same Nest application as `main`, without health server and signals.
 */
export async function startDnsService(bus: Bus, opts: DnsServiceOptions & { streamReplicas?: number } = {}): Promise<DnsService> {
  const { streamReplicas, ...rest } = opts;
  const worker = await createWorkerApp({ service: 'dns-service', module: DnsServiceModule.forRoot(rest), bus, streamReplicas });
  return { bus, config: worker.app.get(RunningConfigTracker), consumer: worker.app.get(IpEventConsumer), stop: () => worker.close() };
}

export async function main(): Promise<void> {
  const cfg = dnsServiceConfig();
  await runWorker({
    service: 'dns-service',
    settings: cfg,
    module: DnsServiceModule.forRoot({ durable: cfg.durable, maxInFlight: cfg.maxInFlight, secretKey: cfg.secretKey }),
    // Not fatal: servers stored before keys were sealed, or none at all, need no key.
    atStart: (logger) => {
      if (!cfg.secretKey) logger.warn("SDN_SECRET_KEY is not set: DNS servers whose key is stored sealed cannot be reached (set the API's key here too)");
    },
  });
}
