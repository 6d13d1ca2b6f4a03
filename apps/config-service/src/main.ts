/**
 * Config service: renders node bundles from the running config and node facts.
 * Environment: NATS_URL (and NATS_CREDS / NATS_USER / NATS_PASS),
 * CONFIG_SERVICE_ACK_WAIT_MS (default 30000: how long a dead replica's message
 * waits before another replica gets it), SDN_BUS_NAMESPACE (tests only).
 * Run several replicas for availability:
 * they share the durable consumers, so each event is handled once.
 */
import { connectBus, consoleLogger, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { ConfigService } from './service/config-service';

async function main(): Promise<void> {
  const log = consoleLogger('config-service');
  const bus = await connectBus({ name: 'config-service', log });
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology), log);
  const ackWaitMs = process.env.CONFIG_SERVICE_ACK_WAIT_MS ? Number(process.env.CONFIG_SERVICE_ACK_WAIT_MS) : undefined;
  const service = new ConfigService({ bus, ackWaitMs });
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

main().catch((e) => {
  console.error('[config-service] fatal:', e);
  process.exit(1);
});
