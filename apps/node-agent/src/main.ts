import { exitOnStartFailure } from '@sdn/config';
import { Agent } from './agent';
import { configFromEnv } from './config/agent-config';

/** Entry point: `SDN_NODE_NAME=pve1 SDN_AGENT_MODE=live node -r ./tools/register.js apps/node-agent/src/main.ts`. */
async function main(): Promise<void> {
  const agent = new Agent(configFromEnv());
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[node-agent] ${sig}: stopping\n`);
    // An apply in progress finishes first: stopping halfway would leave a node half-configured.
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await agent.start();
}

main().catch(exitOnStartFailure('node-agent'));
