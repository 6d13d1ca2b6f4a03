import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NetnsLab, PrivateNatsServer, type LabNode } from '@sdn/netns-lab';
import { ClusterDriver } from './cluster-driver';

const REPO = resolve(__dirname, '../../../..');

/**
 * A lab cluster for data-plane tests: management network with a private
 * NATS server on it, the underlay, node namespaces (192.168.0.<i>, gateway
 * 192.168.0.254) each running a live node agent, optional FRR per node.
 */
export class AgentCluster {
  readonly nodes: Record<string, LabNode> = {};
  readonly agents: Record<string, ChildProcess> = {};
  private readonly frrReload: Record<string, string[]> = {};

  private constructor(
    readonly lab: NetnsLab,
    readonly nats: PrivateNatsServer,
    readonly driver: ClusterDriver,
  ) {}

  static async start(prefix: string, names: string[], opts: { frr?: boolean } = {}): Promise<AgentCluster> {
    const lab = new NetnsLab(`${prefix}${Math.random().toString(36).slice(2, 6)}`);
    let nats: PrivateNatsServer | undefined;
    try {
      nats = await PrivateNatsServer.start(await lab.managementNetwork());
      await lab.underlay();
      const c = new AgentCluster(lab, nats, await ClusterDriver.connect(nats.url));
      for (const [i, node] of names.entries()) {
        c.nodes[node] = await lab.addNode(node, `192.168.0.${i + 1}`, '192.168.0.254');
        if (opts.frr) c.frrReload[node] = await lab.startFrr(c.nodes[node]);
      }
      for (const node of names) c.startAgent(node);
      for (const node of names) await c.driver.waitFor(`facts of ${node}`, () => c.driver.facts(node));
      return c;
    } catch (e) {
      await lab.destroy();
      await nats?.destroy();
      throw e;
    }
  }

  startAgent(node: string): void {
    const n = this.nodes[node];
    this.agents[node] = this.lab.spawnIn(
      n.ns,
      process.execPath,
      ['-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/node-agent/src/main.ts')],
      {
        SDN_NODE_NAME: node,
        SDN_AGENT_MODE: 'live',
        SDN_AGENT_ROOT: n.root,
        SDN_AGENT_WRAPPER: n.wrapper,
        // Empty = no FRR on this node; else frr-reload.py against the node's own daemons.
        SDN_AGENT_FRR_RELOAD: (this.frrReload[node] ?? []).join(' '),
        SDN_NATS_URL: this.nats.url,
        SDN_HEARTBEAT_MS: '1000',
        SDN_FACTS_INTERVAL_MS: '2000',
      },
      `agent-${node}`,
    );
  }

  async stopAgent(node: string): Promise<void> {
    await this.lab.stop(this.agents[node]);
  }

  agentLog(node: string): string {
    return readFileSync(this.lab.logPath(`agent-${node}`), 'utf8');
  }

  async destroy(): Promise<void> {
    await this.driver.close().catch(() => undefined);
    await this.lab.destroy();
    await this.nats.destroy();
  }
}
