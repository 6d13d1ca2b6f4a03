import { readFile } from 'node:fs/promises';
import type { NatsConnection } from 'nats';
import { serveContract } from '@sdn/bus';
import { CONTRACTS } from '@sdn/contracts';
import { run } from '../apply/run';
import type { AgentConfig } from '../config/agent-config';
import { bridgesInInterfaces, type PortVlans } from './bridges';
import { answerNodeQuery } from './node-queries';

/** Answers the API's questions about this node (zone bridges, ip-vrf, mac-vrf) on its query subject; returns the stopper. */
export function serveNodeQueries(nc: NatsConnection, subject: string, cfg: AgentConfig, mainInterfaces: string, log: (m: string) => void): () => void {
  const vtysh = cfg.commands.vtysh ?? ['vtysh'];
  const sub = serveContract(
    nc,
    subject,
    { request: CONTRACTS.nodeQuery, reply: CONTRACTS.nodeQueryReply },
    (q) =>
      answerNodeQuery(q, {
        live: cfg.mode === 'live',
        vtysh: (command) => run([...vtysh, '-c', command], 15_000),
        bridges: {
          sysfs: '/sys',
          portVlans: async (port) => {
            const r = await run(['bridge', '-j', 'vlan', 'show', 'dev', port], 5_000);
            return r.code === 0 && r.stdout.trim() ? ((JSON.parse(r.stdout) as PortVlans[])[0] ?? undefined) : undefined;
          },
        },
        localBridges: async () => bridgesInInterfaces(await readFile(mainInterfaces, 'utf8').catch(() => '')),
      }),
    (error) => ({ v: 1 as const, ok: false as const, error }),
    log,
  );
  return () => sub.unsubscribe();
}
