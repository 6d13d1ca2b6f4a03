/**
 * Config service: renders node bundles from the running config and node facts.
 * Settings (README table): SDN_NATS_* and SDN_CONFIG_ACK_WAIT_MS.
 * Run several replicas for availability:
 * they share the durable consumers, so each event is handled once.
 */
import { busTopology, connectBus, consoleLogger, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { configServiceConfig, exitOnStartFailure } from '@sdn/config';
import { ConfigService } from './service/config-service';

async function main(): Promise<void> {
  const cfg = configServiceConfig();
  const log = consoleLogger('config-service');
  const bus = await connectBus({ name: 'config-service', url: cfg.bus.url, credentials: cfg.bus.credentials, topology: busTopology(cfg.bus.namespace), log });
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology), log);
  const service = new ConfigService({ bus, ackWaitMs: cfg.ackWaitMs });
  await service.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing the message in hand, then exiting`);
    await service.stop();
    await bus.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch(exitOnStartFailure('config-service'));
