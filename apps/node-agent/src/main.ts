import { exitOnStartFailure, serviceBaseConfig } from '@sdn/config';
import { createLogger, startHealthServer, stopOnSignals } from '@sdn/service-kit';
import { Agent } from './agent';
import { configFromEnv } from './config/agent-config';

/**
 * Entry point: `SDN_NODE_NAME=pve1 SDN_AGENT_MODE=live node -r ./tools/register.js apps/node-agent/src/main.ts`.
 * A plain process rather than a Nest application: it has no HTTP API, no request/reply
 * handlers and one consumer, so Nest's container would add start-up time and memory on
 * every hypervisor for nothing; it shares the services' config, logging, health and shutdown pieces.
 */
async function main(): Promise<void> {
  const base = serviceBaseConfig();
  const config = configFromEnv();
  const logger = createLogger({ service: 'node-agent', level: base.logLevel, copyDir: base.logCopyDir }).child({ node: config.node });
  const health = await startHealthServer({ host: base.metricsHost, port: base.metricsPort, checks: { bundle: () => false } });
  const agent = new Agent(config, (m, fields = {}) => (/^warning\b|not published|failed|error/i.test(m) ? logger.warn(fields, m) : logger.info(fields, m)));
  // An apply in progress finishes first: stopping halfway would leave a node half-configured.
  stopOnSignals(logger, async () => {
    await agent.stop();
    await health.close();
  });
  await agent.start();
  for (const [name, check] of Object.entries(agent.readinessChecks())) health.setCheck(name, check);
  logger.info({ metrics: `${base.metricsHost}:${health.port}` }, 'health and metrics endpoint');
}

main().catch(exitOnStartFailure('node-agent'));
