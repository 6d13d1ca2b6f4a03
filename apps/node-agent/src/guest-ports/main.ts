import { configFromEnv, managedPaths } from '../config/agent-config';
import { plugGuestPort } from './plug-port';

/**
 * `plug-port <port> <vnet> [<mac>]`: what a hypervisor's guest start hook
 * runs on the node for each NIC on an SDN vnet (see the README), with the
 * agent's environment (SDN_AGENT_ROOT, …). Exit 0 when plugged, 1 with the
 * reason on stderr otherwise.
 */
async function main(argv: string[]): Promise<number> {
  const [port, vnet, mac] = argv;
  if (!port || !vnet || argv.length > 3) {
    process.stderr.write('usage: plug-port <port> <vnet> [<mac>]\n');
    return 2;
  }
  const cfg = configFromEnv();
  await plugGuestPort(managedPaths(cfg.root).stateDir, { port, vnet, ...(mac ? { mac } : {}) });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`plug-port: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
