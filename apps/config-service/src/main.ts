/**
 * Config service: renders node bundles from the running config and node facts.
 * Settings (README table): SDN_NATS_*, SDN_CONFIG_ACK_WAIT_MS, SDN_LOG_LEVEL, SDN_METRICS_*.
 * Run several replicas for availability:
 * they share the durable consumers, so each event is handled once.
 */
import 'reflect-metadata';
import { configServiceConfig, exitOnStartFailure } from '@sdn/config';
import { runWorker } from '@sdn/service-kit/nest';
import { ConfigServiceModule } from './config-service.module';

async function main(): Promise<void> {
  const cfg = configServiceConfig();
  await runWorker({ service: 'config-service', settings: cfg, module: ConfigServiceModule.forRoot({ ackWaitMs: cfg.ackWaitMs }) });
}

main().catch(exitOnStartFailure('config-service'));
