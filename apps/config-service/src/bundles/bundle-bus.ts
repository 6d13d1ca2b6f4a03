import {
  assertContract,
  BUNDLE_BASE_HASH_HEADER,
  BUNDLE_CONTENT_KEY_HEADER,
  BUNDLE_HASH_HEADER,
  BUNDLE_VERSION_HEADER,
  CONTRACTS,
  ContractViolation,
  CORRELATION_ID_HEADER,
  packNodeBundle,
  type InlineNodeBundleV1,
  type NodeBundleV1,
  type NodeBundleVersionV1,
  type NodeFactsMessageV1,
} from '@sdn/contracts';
import { ensureDurableConsumer, isWrongLastSequence, nodeBundleConsumer, nodeBundleVersionConsumer, publishContract, readLastHeaders, readLastHeadersPerSubject, readLastMessage, readLastPerSubject, type Bus, type StoredHeaders } from '@sdn/bus';
import type { RunningConfig } from '@sdn/model';
import type { ConfigVersion, LastBundle } from '../planner/plan-bundles';

/** A node's latest bundle as far as a compare-and-set publish needs it. */
export interface StoredBundle extends LastBundle {
  /** Stream sequence of the latest full bundle (0: the node has none). */
  seq: number;
  /** Stream sequence of the latest version-only message (0: none). */
  versionSeq: number;
}

export type PublishOutcome = 'stored' | 'duplicate' | 'conflict';

/** Room left in max_payload for the headers (hash, version, message id, expected sequence). */
const HEADER_ALLOWANCE = 1024;

/** A node's bundle cannot be carried by this NATS server even packed; `message` says by how much. */
export class BundleTooLargeError extends Error {
  constructor(
    readonly node: string,
    readonly version: number,
    readonly bytes: number,
    readonly maxPayload: number,
    readonly filesBytes: number,
  ) {
    super(
      `bundle of node ${node} (version ${version}) is ${bytes} bytes on the wire (${filesBytes} bytes of files before compression), ` +
        `above the NATS server's max_payload of ${maxPayload} bytes: not published, the node keeps its previous configuration. ` +
        `Raise max_payload on the NATS server or split the configuration.`,
    );
  }
}

/**
 * Everything the config service reads from and writes to the bus, in the
 * terms of the planner: latest facts per node, latest bundle per node, latest
 * running config, and a compare-and-set bundle publish.
 */
export class BundleBus {
  /** Nodes whose bundle consumer this process has made sure of. */
  private readonly nodeConsumers = new Set<string>();

  constructor(private readonly bus: Bus) {}

  /**
   * Node identities may not create consumers (@sdn/bus natsPermissions), so
   * the durable each agent reads its bundles through is created here, before
   * the node's first bundle.
   */
  private async ensureNodeConsumer(node: string): Promise<void> {
    if (this.nodeConsumers.has(node)) return;
    // Side by side: on a first apply to a large cluster these requests queue on the server's JetStream API.
    await Promise.all([nodeBundleConsumer, nodeBundleVersionConsumer].map((spec) => ensureDurableConsumer(this.bus.jsm, spec(this.t, node), this.bus.log)));
    this.nodeConsumers.add(node);
  }

  private get t() {
    return this.bus.topology;
  }

  /**
   * Latest bundle headers per node (all nodes, or the given ones): the full
   * bundle and the version-only message, the latter counting only while it
   * re-versions that full bundle (a newer full bundle replaces it). Payloads
   * are not fetched: bundles are large.
   */
  async lastBundles(nodes?: string[]): Promise<Map<string, StoredBundle>> {
    const { name, subjects } = this.t.streams.bundles;
    // Named nodes (a facts update: usually one) by a direct get per subject; the whole cluster by one scan per subject.
    const read = async (filters: string[]) =>
      nodes
        ? [new Map((await Promise.all(filters.map((f) => readLastHeaders(this.bus.jsm, name, f)))).flatMap((h) => (h ? [[h.subject, h] as const] : [])))]
        : Promise.all(filters.map((f) => readLastHeadersPerSubject(this.bus.js, this.bus.jsm, name, f)));
    const [fulls, versions] = await Promise.all([
      read(nodes ? nodes.map((n) => this.t.bundleSubject(n)) : [subjects]),
      read(nodes ? nodes.map((n) => this.t.bundleVersionSubject(n)) : [this.t.bundleVersionSubject('*')]),
    ]);
    const byNode = (found: Map<string, StoredHeaders>[]) => {
      const out = new Map<string, StoredHeaders>();
      for (const h of found.flatMap((m) => [...m.values()])) {
        const node = this.t.nodeOfSubject(h.subject);
        if (node) out.set(node, h);
      }
      return out;
    };
    const version = (h: StoredHeaders) => {
      const v = Number(h.headers[BUNDLE_VERSION_HEADER]);
      return Number.isInteger(v) ? v : undefined;
    };
    const full = byNode(fulls);
    const out = new Map<string, StoredBundle>();
    for (const [node, f] of full) {
      const head = { version: version(f), hash: f.headers[BUNDLE_HASH_HEADER], contentKey: f.headers[BUNDLE_CONTENT_KEY_HEADER] };
      out.set(node, { seq: f.seq, versionSeq: 0, version: head.version, hash: head.hash, full: head });
    }
    for (const [node, v] of byNode(versions)) {
      const last = out.get(node);
      if (!last) {
        out.set(node, { seq: 0, versionSeq: v.seq });
        continue;
      }
      last.versionSeq = v.seq;
      const vv = version(v);
      const base = last.full;
      if (vv !== undefined && base?.version !== undefined && v.headers[BUNDLE_BASE_HASH_HEADER] === base.hash && vv > base.version) {
        last.version = vv;
        last.hash = v.headers[BUNDLE_HASH_HEADER];
      }
    }
    return out;
  }

  /** Latest facts message per node (all registered nodes, or the given ones). */
  async latestFacts(nodes?: string[]): Promise<Map<string, NodeFactsMessageV1>> {
    const { name, subjects } = this.t.streams.facts;
    const out = new Map<string, NodeFactsMessageV1>();
    if (nodes) {
      const read = await Promise.all(
        nodes.map((n) =>
          readLastMessage(this.bus.jsm, name, this.t.factsSubject(n), CONTRACTS.nodeFacts).catch((e: unknown) => {
            // Facts that break the contract count as no facts; anything else (NATS down) must fail the caller.
            if (!(e instanceof ContractViolation || e instanceof SyntaxError)) throw e;
            this.bus.log.warn('ignoring facts that break their contract', { node: n, error: e.message });
            return undefined;
          }),
        ),
      );
      read.forEach((m, i) => m && out.set(nodes[i], m.value));
    } else {
      for (const m of (await readLastPerSubject(this.bus.jsm, name, subjects, CONTRACTS.nodeFacts, this.bus.log)).values()) {
        const node = this.t.nodeOfSubject(m.subject);
        if (node) out.set(node, m.value);
      }
    }
    return out;
  }

  /** The last ConfigApplied this process read or was handed, by its stream sequence. */
  private lastConfig?: { seq: number; config: ConfigVersion };

  /** A ConfigApplied event this process was delivered (stream sequence `seq`). */
  rememberConfig(seq: number, config: ConfigVersion): void {
    if (!this.lastConfig || seq > this.lastConfig.seq) this.lastConfig = { seq, config };
  }

  /**
   * The running config of the latest `ConfigApplied` event, or undefined
   * before the first apply. `durable` (the replicas' ConfigApplied
   * consumer) saves the read: when it has delivered everything and its
   * last delivery is the event this process holds, that is the latest. A
   * large config is hundreds of KB of JSON, and every node's facts update
   * after an apply asks for it.
   */
  async latestConfig(durable?: string): Promise<ConfigVersion | undefined> {
    const held = this.lastConfig;
    if (held && durable) {
      const info = await this.bus.jsm.consumers.info(this.t.streams.events.name, durable).catch(() => undefined);
      if (info && info.num_pending === 0 && info.delivered.stream_seq === held.seq) return held.config;
    }
    const last = await readLastMessage(this.bus.jsm, this.t.streams.events.name, this.t.eventSubject('config', 'ConfigApplied'), CONTRACTS.configAppliedEvent).catch((e: unknown) => {
      // Retrying cannot repair a stored event; the ConfigApplied consumer has already logged and dropped it.
      if (!(e instanceof ContractViolation || e instanceof SyntaxError)) throw e;
      this.bus.log.error('latest ConfigApplied breaks its contract; nodes keep their bundles', { error: e.message });
      return undefined;
    });
    if (!last) return undefined;
    const { version, running, task } = last.value.payload;
    const config: ConfigVersion = { version, running: running as RunningConfig, task, correlationId: last.value.correlationId || undefined };
    this.rememberConfig(last.seq, config);
    return config;
  }

  /** The server's max_payload (bytes), from the connection's INFO; NATS's default when unknown. */
  get maxPayload(): number {
    return this.bus.nc.info?.max_payload ?? 1024 * 1024;
  }

  /**
   * Packs `bundle` (gzip, @sdn/contracts `packNodeBundle`) and publishes it
   * only if the node's latest bundle is still `after` (compare-and-set on the
   * subject sequence): a replica or facts update that published in between
   * makes this a 'conflict', and the caller re-plans the node. The message id
   * names the transition (previous sequence → hash), so a retried publish is
   * stored once. Throws BundleTooLargeError when even the packed bundle
   * exceeds the server's max_payload.
   */
  async publish(inline: InlineNodeBundleV1, after: number, contentKey?: string): Promise<PublishOutcome> {
    // The content is checked before it is packed (the envelope again by publishContract): nothing that breaks the contract is sent.
    assertContract(CONTRACTS.nodeBundle.name, CONTRACTS.nodeBundle.schema, inline);
    const bundle: NodeBundleV1 = await packNodeBundle(inline);
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    const max = this.maxPayload;
    if (bytes + HEADER_ALLOWANCE > max) {
      throw new BundleTooLargeError(inline.node, inline.version, bytes, max, filesBytesOf(inline));
    }
    await this.ensureNodeConsumer(bundle.node);
    try {
      const ack = await publishContract(this.bus.js, this.t.bundleSubject(bundle.node), CONTRACTS.nodeBundle, bundle, {
        msgID: `bundle:${bundle.node}:${after}:${bundle.hash}`,
        expectLastSubjectSequence: after,
        headers: {
          [BUNDLE_HASH_HEADER]: bundle.hash,
          [BUNDLE_VERSION_HEADER]: String(bundle.version),
          ...(contentKey ? { [BUNDLE_CONTENT_KEY_HEADER]: contentKey } : {}),
          ...(bundle.correlationId ? { [CORRELATION_ID_HEADER]: bundle.correlationId } : {}),
        },
      });
      return ack.duplicate ? 'duplicate' : 'stored';
    } catch (e) {
      if (isWrongLastSequence(e)) return 'conflict';
      // The headers pushed it over after all.
      if ((e as { code?: string })?.code === 'MAX_PAYLOAD_EXCEEDED') throw new BundleTooLargeError(inline.node, inline.version, bytes, max, filesBytesOf(inline));
      throw e;
    }
  }

  /**
   * A version-only message, compare-and-set on the node's version subject
   * (`after`: its latest sequence there). That cannot see the full-bundle
   * subject: the caller checks that no full bundle was stored meanwhile
   * (ConfigService.reconcile) and re-plans the node otherwise.
   */
  async publishVersion(message: NodeBundleVersionV1, after: number): Promise<PublishOutcome> {
    await this.ensureNodeConsumer(message.node);
    try {
      const ack = await publishContract(this.bus.js, this.t.bundleVersionSubject(message.node), CONTRACTS.nodeBundleVersion, message, {
        msgID: `bundle-version:${message.node}:${after}:${message.hash}`,
        expectLastSubjectSequence: after,
        headers: {
          [BUNDLE_HASH_HEADER]: message.hash,
          [BUNDLE_VERSION_HEADER]: String(message.version),
          [BUNDLE_BASE_HASH_HEADER]: message.baseHash,
          ...(message.correlationId ? { [CORRELATION_ID_HEADER]: message.correlationId } : {}),
        },
      });
      return ack.duplicate ? 'duplicate' : 'stored';
    } catch (e) {
      if (isWrongLastSequence(e)) return 'conflict';
      throw e;
    }
  }
}

function filesBytesOf(b: InlineNodeBundleV1): number {
  return Buffer.byteLength(b.files.interfaces) + Buffer.byteLength(b.files.frr ?? '');
}
