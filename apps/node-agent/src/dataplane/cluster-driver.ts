import { randomUUID } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import {
  assertContract,
  bundleContentHash,
  bundleSubject,
  eventSubject,
  FACTS_STREAM,
  factsSubject,
  nodeBundleV1Schema,
  nodeStatusV1Schema,
  STATUS_STREAM,
  statusSubject,
  type EventEnvelope,
  type NodeBundleV1,
  type NodeFactsMessageV1,
  type NodeStatusV1,
} from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { renderNode, type NodeBundleFiles, type NodeFacts } from '@sdn/render';
import { busTopology, ensureStreams, sdnStreamSpecs } from '@sdn/bus';

/**
 * Plays the config service's part for agent tests: reads the facts the
 * agents published, renders each node's files with @sdn/render, publishes
 * the bundles and the `ConfigApplied` event, and waits for node status.
 */
export class ClusterDriver {
  private seq = 0;

  private constructor(
    readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<ClusterDriver> {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const jsm = await nc.jetstreamManager();
    await ensureStreams(jsm, sdnStreamSpecs(busTopology('')));
    return new ClusterDriver(nc, jsm);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }

  async facts(node: string): Promise<NodeFacts | null> {
    try {
      const m = await this.jsm.streams.getMessage(FACTS_STREAM, { last_by_subj: factsSubject(node) });
      return (m.json() as NodeFactsMessageV1).facts as unknown as NodeFacts;
    } catch {
      return null;
    }
  }

  async status(node: string): Promise<NodeStatusV1 | null> {
    try {
      const m = await this.jsm.streams.getMessage(STATUS_STREAM, { last_by_subj: statusSubject(node) });
      return assertContract<NodeStatusV1>('NodeStatusV1', nodeStatusV1Schema, m.json());
    } catch {
      return null;
    }
  }

  async waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waitStatus(node: string, pred: (s: NodeStatusV1) => boolean, timeoutMs = 30000): Promise<NodeStatusV1> {
    let last: NodeStatusV1 | null = null;
    try {
      return await this.waitFor(`status of ${node}`, async () => {
        last = await this.status(node);
        return last && pred(last) ? last : null;
      }, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last)}`);
    }
  }

  render(config: RunningConfig, facts: NodeFacts): NodeBundleFiles {
    return renderNode(config, facts);
  }

  bundle(node: string, version: number, files: NodeBundleFiles): NodeBundleV1 {
    return assertContract('NodeBundleV1', nodeBundleV1Schema, { node, version, hash: bundleContentHash(files), files, renderedAt: new Date().toISOString() });
  }

  async publishBundle(b: NodeBundleV1): Promise<void> {
    await this.nc.jetstream().publish(bundleSubject(b.node), JSON.stringify(b));
  }

  /** The running config becomes `config` (event for status), then each node gets its bundle. */
  async applyConfig(config: RunningConfig, nodes: string[], tweak?: (node: string, files: NodeBundleFiles) => NodeBundleFiles): Promise<Record<string, NodeBundleV1>> {
    const version = Number(config.version);
    await this.publishRunning(config);
    const out: Record<string, NodeBundleV1> = {};
    for (const node of nodes) {
      const facts = await this.waitFor(`facts of ${node}`, () => this.facts(node));
      let files = this.render(config, facts);
      if (tweak) files = tweak(node, files);
      out[node] = this.bundle(node, version, files);
      await this.publishBundle(out[node]);
    }
    return out;
  }

  async publishRunning(config: RunningConfig): Promise<void> {
    const env: EventEnvelope = {
      id: randomUUID(),
      seq: ++this.seq,
      type: 'ConfigApplied',
      typeVersion: 1,
      aggregateType: 'config',
      aggregateId: 'running',
      aggregateVersion: this.seq,
      payload: { version: Number(config.version), running: config },
      actor: 'node-agent-test',
      correlationId: randomUUID(),
      time: new Date().toISOString(),
    };
    await this.nc.jetstream().publish(eventSubject('config', 'ConfigApplied'), JSON.stringify(env));
  }
}
