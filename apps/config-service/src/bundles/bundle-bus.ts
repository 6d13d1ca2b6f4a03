import {
  BUNDLE_HASH_HEADER,
  BUNDLE_VERSION_HEADER,
  CONTRACTS,
  ContractViolation,
  type NodeBundleV1,
  type NodeFactsMessageV1,
} from '@sdn/contracts';
import { isWrongLastSequence, publishContract, readLastHeadersPerSubject, readLastMessage, readLastPerSubject, type Bus } from '@sdn/bus';
import type { RunningConfig } from '@sdn/model';
import type { ConfigVersion, LastBundle } from '../planner/plan-bundles';

/** A node's latest bundle as far as a compare-and-set publish needs it. */
export interface StoredBundle extends LastBundle {
  /** Stream sequence of the bundle (0: the node has none). */
  seq: number;
}

export type PublishOutcome = 'stored' | 'duplicate' | 'conflict' | 'too-large';

/**
 * Everything the config service reads from and writes to the bus, in the
 * terms of the planner: latest facts per node, latest bundle per node, latest
 * running config, and a compare-and-set bundle publish.
 */
export class BundleBus {
  constructor(private readonly bus: Bus) {}

  private get t() {
    return this.bus.topology;
  }

  /** Latest bundle headers per node (all nodes, or the given ones). Payloads are not fetched: bundles are large. */
  async lastBundles(nodes?: string[]): Promise<Map<string, StoredBundle>> {
    const { name, subjects } = this.t.streams.bundles;
    const filters = nodes ? nodes.map((n) => this.t.bundleSubject(n)) : [subjects];
    const out = new Map<string, StoredBundle>();
    for (const found of await Promise.all(filters.map((f) => readLastHeadersPerSubject(this.bus.js, this.bus.jsm, name, f)))) {
      for (const h of found.values()) {
        const node = this.t.nodeOfSubject(h.subject);
        if (!node) continue;
        const version = Number(h.headers[BUNDLE_VERSION_HEADER]);
        out.set(node, { seq: h.seq, hash: h.headers[BUNDLE_HASH_HEADER], version: Number.isInteger(version) ? version : undefined });
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

  /** The running config of the latest `ConfigApplied` event, or undefined before the first apply. */
  async latestConfig(): Promise<ConfigVersion | undefined> {
    const last = await readLastMessage(this.bus.jsm, this.t.streams.events.name, this.t.eventSubject('config', 'ConfigApplied'), CONTRACTS.configAppliedEvent).catch((e: unknown) => {
      // Retrying cannot repair a stored event; the ConfigApplied consumer has already logged and dropped it.
      if (!(e instanceof ContractViolation || e instanceof SyntaxError)) throw e;
      this.bus.log.error('latest ConfigApplied breaks its contract; nodes keep their bundles', { error: e.message });
      return undefined;
    });
    if (!last) return undefined;
    const { version, running, task } = last.value.payload;
    return { version, running: running as RunningConfig, task };
  }

  /**
   * Publishes `bundle` only if the node's latest bundle is still `after`
   * (compare-and-set on the subject sequence): a replica or facts update that
   * published in between makes this a 'conflict', and the caller re-plans the
   * node. The message id names the transition (previous sequence → hash), so
   * a retried publish is stored once.
   */
  async publish(bundle: NodeBundleV1, after: number): Promise<PublishOutcome> {
    try {
      const ack = await publishContract(this.bus.js, this.t.bundleSubject(bundle.node), CONTRACTS.nodeBundle, bundle, {
        msgID: `bundle:${bundle.node}:${after}:${bundle.hash}`,
        expectLastSubjectSequence: after,
        headers: { [BUNDLE_HASH_HEADER]: bundle.hash, [BUNDLE_VERSION_HEADER]: String(bundle.version) },
      });
      return ack.duplicate ? 'duplicate' : 'stored';
    } catch (e) {
      if (isWrongLastSequence(e)) return 'conflict';
      if ((e as { code?: string })?.code === 'MAX_PAYLOAD_EXCEEDED') return 'too-large';
      throw e;
    }
  }
}
