import { busTopology, connectBus, ensureStreams, sdnStreamSpecs, type Bus } from '@sdn/bus';
import { dnsServiceConfig } from '@sdn/config';
import { consumerReady, createLogger, messageLogger, natsReady, startHealthServer, stopOnSignals } from '@sdn/service-kit';
import { secretBoxFor } from '@sdn/secrets';
import { RunningConfigTracker } from './config/running-config';
import { IpEventConsumer, type IpEventConsumerOptions } from './consumer/ip-event-consumer';
import { PluginRegistry } from './plugins/plugin-registry';

export interface DnsService {
  readonly bus: Bus;
  readonly config: RunningConfigTracker;
  readonly consumer: IpEventConsumer;
  stop(): Promise<void>;
}

/**
 * Wires the DNS service on a connected bus: running-config tracker, plugin
 * registry and the durable IP-event consumer. Separate from main.ts so tests
 * and the benchmark run the real service on an isolated bus namespace.
 */
export async function startDnsService(bus: Bus, opts: Partial<Omit<IpEventConsumerOptions, 'bus' | 'config'>> & { secretKey?: string; streamReplicas?: number } = {}): Promise<DnsService> {
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology, opts.streamReplicas));
  const config = new RunningConfigTracker(bus);
  await config.start();
  const consumer = new IpEventConsumer({ bus, config, pluginFor: opts.pluginFor ?? new PluginRegistry({ secrets: secretBoxFor(opts.secretKey) }).pluginFor, ...opts });
  await consumer.start();
  return {
    bus,
    config,
    consumer,
    async stop() {
      await consumer.stop();
      config.stop();
    },
  };
}

export async function main(): Promise<void> {
  const cfg = dnsServiceConfig();
  const logger = createLogger({ service: 'dns-service', level: cfg.logLevel });
  const health = await startHealthServer({ host: cfg.metricsHost, port: cfg.metricsPort, checks: { consumers: () => false } });
  const bus = await connectBus({ name: 'dns-service', url: cfg.bus.url, credentials: cfg.bus.credentials, topology: busTopology(cfg.bus.namespace), log: messageLogger(logger) });
  health.setCheck('nats', natsReady(bus.nc));
  // Not fatal: servers stored before keys were sealed, or none at all, need no key.
  if (!cfg.secretKey) bus.log.warn('SDN_SECRET_KEY is not set: DNS servers whose key is stored sealed cannot be reached (set the API\'s key here too)');
  const svc = await startDnsService(bus, {
    durable: cfg.durable,
    maxInFlight: cfg.maxInFlight,
    secretKey: cfg.secretKey,
    streamReplicas: cfg.bus.streamReplicas,
  });
  health.setCheck('consumers', consumerReady(bus.jsm, bus.topology.streams.events.name, svc.consumer.durable));
  bus.log.info('dns-service consuming ip events', { durable: svc.consumer.durable, runningVersion: svc.config.current()?.version ?? null, metrics: `${cfg.metricsHost}:${health.port}` });
  stopOnSignals(logger, async () => {
    await svc.stop();
    await bus.close();
    await health.close();
  });
}
