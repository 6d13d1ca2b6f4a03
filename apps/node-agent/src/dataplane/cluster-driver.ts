import { connect, type ConnectionOptions, type JetStreamManager, type NatsConnection } from 'nats';
import {
  assertContract,
  bundleContentHash,
  bundleSubject,
  bundleVersionSubject,
  FACTS_STREAM,
  factsSubject,
  nodeBundleV1Schema,
  CONTRACTS,
  nodeStatusV1Of,
  packNodeBundle,
  STATUS_STREAM,
  statusSubject,
  type InlineNodeBundleV1,
  type NodeBundleScopeV1,
  type NodeBundleVersionV1,
  type NodeFactsMessageV1,
  type NodeStatusV1,
} from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { nodeScope, renderNode, type NodeBundleFiles, type NodeFacts } from '@sdn/render';
import { busTopology, ensureStreams, sdnStreamSpecs } from '@sdn/bus';
import { waitFor } from './agent-cluster';

/**
 * Plays the config service's part for agent tests: reads the facts the
 * agents published, renders each node's files (and zone/vnet scope) with
 * @sdn/render, publishes the bundles packed as the config service does, and
 * waits for node status.
 */
export class ClusterDriver {
  private constructor(
    readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  /** `auth`: connection options for a server with authorization (the config service's identity). */
  static async connect(url: string, auth: Partial<ConnectionOptions> = {}): Promise<ClusterDriver> {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250, ...auth });
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

  /** The node's last status (either contract version), in v1's shape. */
  async status(node: string): Promise<NodeStatusV1 | null> {
    try {
      const m = await this.jsm.streams.getMessage(STATUS_STREAM, { last_by_subj: statusSubject(node) });
      return nodeStatusV1Of(assertContract(CONTRACTS.anyNodeStatus.name, CONTRACTS.anyNodeStatus.schema, m.json()));
    } catch {
      return null;
    }
  }

  waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20000): Promise<T> {
    return waitFor(what, probe, timeoutMs);
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

  bundle(node: string, version: number, files: NodeBundleFiles, scope?: NodeBundleScopeV1): InlineNodeBundleV1 {
    return assertContract('NodeBundleV1', nodeBundleV1Schema, { node, version, hash: bundleContentHash(files), files, ...(scope ? { scope } : {}), renderedAt: new Date().toISOString() });
  }

  /** Publishes `b` packed (`inline`: as is, the older form agents still accept). */
  async publishBundle(b: InlineNodeBundleV1, opts: { inline?: boolean } = {}): Promise<void> {
    const wire = opts.inline ? b : await packNodeBundle(b);
    await this.nc.jetstream().publish(bundleSubject(b.node), JSON.stringify(wire));
  }

  /** Publishes a version-only message, checked against its contract as the config service does. */
  async publishVersion(m: NodeBundleVersionV1): Promise<void> {
    assertContract(CONTRACTS.nodeBundleVersion.name, CONTRACTS.nodeBundleVersion.schema, m);
    await this.nc.jetstream().publish(bundleVersionSubject(m.node), JSON.stringify(m));
  }

  /** Each node gets its bundle of `config`. */
  async applyConfig(config: RunningConfig, nodes: string[], tweak?: (node: string, files: NodeBundleFiles) => NodeBundleFiles): Promise<Record<string, InlineNodeBundleV1>> {
    const version = Number(config.version);
    const out: Record<string, InlineNodeBundleV1> = {};
    for (const node of nodes) {
      const facts = await this.waitFor(`facts of ${node}`, () => this.facts(node));
      let files = this.render(config, facts);
      if (tweak) files = tweak(node, files);
      out[node] = this.bundle(node, version, files, nodeScope(config, node));
      await this.publishBundle(out[node]);
    }
    return out;
  }
}
