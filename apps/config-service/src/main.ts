/**
 * Config service: renders node bundles from the running config and node facts.
 * Settings (README table): SDN_NATS_*, SDN_CONFIG_ACK_WAIT_MS, SDN_LOG_LEVEL, SDN_METRICS_*.
 * Run several replicas for availability:
 * they share the durable consumers, so each event is handled once.
 */
import { busTopology, connectBus, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { configServiceConfig, exitOnStartFailure } from '@sdn/config';
import { consumerReady, createLogger, messageLogger, natsReady, startHealthServer, stopOnSignals } from '@sdn/service-kit';
import { ConfigService } from './service/config-service';

async function main(): Promise<void> {
  const cfg = configServiceConfig();
  const logger = createLogger({ service: 'config-service', level: cfg.logLevel });
  // Live from the first moment; ready once NATS answers and the consumers are bound.
  const health = await startHealthServer({ host: cfg.metricsHost, port: cfg.metricsPort, checks: { consumers: () => false } });
  const log = messageLogger(logger);
  const bus = await connectBus({ name: 'config-service', url: cfg.bus.url, credentials: cfg.bus.credentials, topology: busTopology(cfg.bus.namespace), log });
  health.setCheck('nats', natsReady(bus.nc));
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology, cfg.bus.streamReplicas), log);
  const service = new ConfigService({ bus, ackWaitMs: cfg.ackWaitMs });
  await service.start();
  const { events, facts } = bus.topology.streams;
  health.setCheck('consumers', async () => (await consumerReady(bus.jsm, events.name, 'config-service-config-applied')()) && consumerReady(bus.jsm, facts.name, 'config-service-facts')());
  logger.info({ metrics: `${cfg.metricsHost}:${health.port}` }, 'config service ready');
  stopOnSignals(logger, async () => {
    await service.stop();
    await bus.close();
    await health.close();
  });
}

main().catch(exitOnStartFailure('config-service'));
