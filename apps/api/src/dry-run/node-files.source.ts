import { Inject, Injectable } from '@nestjs/common';
import { busTopology, type BusTopology, decodeJson, scanStream } from '@sdn/bus';
import {
  assertContract,
  NODE_NAME_PATTERN,
  type Check,
  type InlineNodeBundleV1,
  type NodeBundleV1,
  nodeBundleV1Schema,
  type NodeBundleVersionV1,
  nodeBundleVersionV1Schema,
  type NodeFactsMessageV1,
  nodeFactsV1Schema,
  unpackNodeBundle,
} from '@sdn/contracts';
import { withVersionLine } from '@sdn/render';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { NatsService } from '../core/nats.service';

/** Version and content hash of the bundle a node runs, without its files. */
export interface BundleHead {
  version: number;
  hash: string;
}

/** What a dry run of a node depends on besides the pending config. */
export interface NodeInputs {
  facts: NodeFactsMessageV1 | null;
  head: BundleHead | null;
}

/** What the dry-run compares against: a node's published facts and the bundle it runs. */
export abstract class NodeFilesSource {
  abstract facts(node: string): Promise<NodeFactsMessageV1 | null>;
  abstract bundle(node: string): Promise<InlineNodeBundleV1 | null>;
  /** The nodes that have published facts (the nodes an apply renders for). */
  abstract nodes(): Promise<string[]>;
  /** Facts and bundle heads of many nodes (default: every node with facts); sources that can read them in bulk override this. */
  async inputs(nodes?: string[]): Promise<Map<string, NodeInputs>> {
    const list = nodes ?? (await this.nodes());
    const read = await Promise.all(list.map(async (n) => [n, { facts: await this.facts(n), head: await this.bundleHead(n) }] as const));
    return new Map(read);
  }

  /** The head of `bundle(node)`; sources that can read it without unpacking the files override this. */
  async bundleHead(node: string): Promise<BundleHead | null> {
    const b = await this.bundle(node);
    return b ? { version: b.version, hash: b.hash } : null;
  }
}

/**
 * Reads the last message per node subject from the facts and bundles streams
 * (SDN_FACTS, SDN_BUNDLES; namespaced with SDN_BUS_NAMESPACE). A missing stream, a missing message, NATS being down or a message
 * that breaks its contract all read as "unknown" (null): a diff against
 * garbage would mislead more than an empty side.
 */
@Injectable()
export class JetStreamNodeFilesSource extends NodeFilesSource {
  private readonly topology: BusTopology;

  constructor(
    private readonly nats: NatsService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    super();
    this.topology = busTopology(config.busNamespace);
  }

  private async last<T>(stream: string, subject: string, schema: Check): Promise<T | null> {
    const nc = this.nats.current();
    if (!nc) return null;
    try {
      const jsm = await nc.jetstreamManager();
      const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return assertContract<T>(stream, schema, m.json<unknown>());
    } catch {
      return null;
    }
  }

  facts(node: string): Promise<NodeFactsMessageV1 | null> {
    return this.last(this.topology.streams.facts.name, this.topology.factsSubject(node), nodeFactsV1Schema);
  }

  /**
   * The version-only message that re-versions `full` (the node's latest full
   * bundle), if any: the node then runs `full`'s files under its version.
   */
  private async bump(node: string, full: NodeBundleV1): Promise<NodeBundleVersionV1 | null> {
    const m = await this.last<NodeBundleVersionV1>(this.topology.streams.bundles.name, this.topology.bundleVersionSubject(node), nodeBundleVersionV1Schema);
    return m && m.baseHash === full.hash && m.version > full.version ? m : null;
  }

  async bundle(node: string): Promise<InlineNodeBundleV1 | null> {
    const b = await this.last<NodeBundleV1>(this.topology.streams.bundles.name, this.topology.bundleSubject(node), nodeBundleV1Schema);
    // Bundles travel packed (gzip); content that does not unpack reads as unknown too.
    const inline = b ? await unpackNodeBundle(b).catch(() => null) : null;
    const m = inline && (await this.bump(node, b!));
    const interfaces = m ? withVersionLine(inline.files.interfaces, m.version) : undefined;
    return m && interfaces !== undefined ? { ...inline, version: m.version, hash: m.hash, files: { ...inline.files, interfaces } } : inline;
  }

  override async bundleHead(node: string): Promise<BundleHead | null> {
    const b = await this.last<NodeBundleV1>(this.topology.streams.bundles.name, this.topology.bundleSubject(node), nodeBundleV1Schema);
    const m = b && (await this.bump(node, b));
    return m ? { version: m.version, hash: m.hash } : b ? { version: b.version, hash: b.hash } : null;
  }

  /**
   * One scan of the facts stream (last message per node) instead of a read
   * per node; bundle heads are still read per node: the API may not create
   * consumers on the bundles stream (libs/bus/src/auth), only get messages.
   */
  override async inputs(nodes?: string[]): Promise<Map<string, NodeInputs>> {
    const nc = this.nats.current();
    if (!nc) return super.inputs(nodes);
    const t = this.topology;
    const facts = new Map<string, NodeFactsMessageV1>();
    try {
      const found = await scanStream(nc.jetstream(), await nc.jetstreamManager(), t.streams.facts.name, { filter: t.streams.facts.subjects, lastPerSubject: true });
      for (const m of found) {
        const node = t.nodeOfSubject(m.subject);
        try {
          if (node) facts.set(node, assertContract<NodeFactsMessageV1>(t.streams.facts.name, nodeFactsV1Schema, decodeJson(m.data)));
        } catch {
          // Broken facts read as unknown, as in facts().
        }
      }
    } catch {
      return super.inputs(nodes);
    }
    const list = nodes ?? [...facts.keys()].filter((n) => NODE_NAME_PATTERN.test(n)).sort();
    const read = await Promise.all(list.map(async (n) => [n, { facts: facts.get(n) ?? null, head: await this.bundleHead(n) }] as const));
    return new Map(read);
  }

  async nodes(): Promise<string[]> {
    const nc = this.nats.current();
    if (!nc) return [];
    try {
      const jsm = await nc.jetstreamManager();
      const facts = this.topology.streams.facts;
      const info = await jsm.streams.info(facts.name, { subjects_filter: facts.subjects });
      const nodes = Object.keys(info.state.subjects ?? {}).map((s) => this.topology.nodeOfSubject(s));
      return nodes.filter((n): n is string => n !== undefined && NODE_NAME_PATTERN.test(n)).sort();
    } catch {
      return [];
    }
  }
}
