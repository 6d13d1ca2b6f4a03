import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { NodeFactsMessageV1, InlineNodeBundleV1 } from '@sdn/contracts';
import { canonicalJson } from '@sdn/dns';
import type { RunningConfig } from '@sdn/model';
import { type NodeBundleFiles, type NodeFacts, renderNode } from '@sdn/render';
import { type DiffOptions, diffStat, unifiedDiff } from '@sdn/text-diff';
import { compileRunning } from '../apply/running-snapshot';
import { SdnStateService } from '../core/sdn-state.service';
import { DryRunLimiter } from './dry-run-limiter';
import { DryRunSummaryStore, type NodeDryRunSummary } from './dry-run-summaries.store';
import { type BundleHead, NodeFilesSource } from './node-files.source';

/** The reference's answer for one node, plus what it is based on. */
export interface NodeDryRun {
  'interfaces-diff': string | null;
  'frr-diff': string | null;
  'facts-known': boolean;
  'bundle-version': number | null;
}

/** The pending configuration compiled as apply would, and its digest. */
interface PendingSnapshot {
  seq: number;
  config: RunningConfig;
  digest: string;
}

interface NodeInputs {
  node: string;
  facts: NodeFactsMessageV1 | null;
  /** What a result for this node is a function of: pending digest, node, facts, running bundle. */
  key: string;
}

const INTERFACES_PATH = '/etc/network/interfaces.d/sdn';
const FRR_PATH = '/etc/frr/frr.conf';
/** Bumped when what a summary means changes (renderer or diff semantics): old rows stop matching. */
const KEY_FORMAT = 'sdn-dry-run/1';
const DIFF: DiffOptions = { ignoreWhitespace: true, toLabel: 'pending' };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Facts of a node we have never heard from: the renderer's neutral defaults. */
function unknownNodeFacts(node: string): NodeFacts {
  return { nodename: node, addresses: {}, routes: [], bridges: {}, macs: {}, frrLocal: null };
}

function factsOf(node: string, msg: NodeFactsMessageV1 | null): NodeFacts {
  return msg ? ({ ...unknownNodeFacts(node), ...(msg.facts as Partial<NodeFacts>), nodename: node } as NodeFacts) : unknownNodeFacts(node);
}

function keyed(snap: PendingSnapshot, node: string, facts: NodeFactsMessageV1 | null, head: BundleHead | null): NodeInputs {
  const factsHash = facts ? sha256(canonicalJson(facts.facts)) : '-';
  return { node, facts, key: sha256([KEY_FORMAT, snap.digest, node, factsHash, head?.hash ?? '-'].join('\n')) };
}

/**
 * Dry runs: one node's full diffs (the reference's endpoint) and the
 * cluster-wide summary (our extension). Every computation runs in a slot of
 * the DryRunLimiter; identical concurrent requests share one computation, and
 * summaries are stored in PostgreSQL for every replica, so a summary is
 * computed once per pending version, node facts and node bundle.
 */
@Injectable()
export class DryRunService {
  private snapshot: PendingSnapshot | null = null;
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly sdn: SdnStateService,
    private readonly files: NodeFilesSource,
    private readonly limiter: DryRunLimiter,
    private readonly summaries: DryRunSummaryStore,
  ) {}

  /** The pending config compiled like apply does, without bumping the version (the `#version:` line carries the running one, or 1). */
  private pending(): PendingSnapshot {
    const state = this.sdn.current;
    if (this.snapshot?.seq !== state.seq) {
      const config = compileRunning(state, state.running?.version ?? 1) as RunningConfig;
      // Canonical: replicas that loaded the state differently (projection vs log) agree on the digest.
      this.snapshot = { seq: state.seq, config, digest: sha256(canonicalJson(config)) };
    }
    return this.snapshot;
  }

  private async inputs(snap: PendingSnapshot, node: string): Promise<NodeInputs> {
    const [facts, head] = await Promise.all([this.files.facts(node), this.files.bundleHead(node)]);
    return keyed(snap, node, facts, head);
  }

  /** Identical concurrent requests share one computation. */
  private shared<T>(key: string, work: () => Promise<T>): Promise<T> {
    let p = this.inflight.get(key) as Promise<T> | undefined;
    if (!p) {
      p = work().finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Reads what the node runs and renders what apply would give it, inside a computation slot, and hands both to `use`. */
  private compute<T>(snap: PendingSnapshot, inputs: NodeInputs, use: (pending: NodeBundleFiles, running: InlineNodeBundleV1 | null) => T): Promise<T> {
    const { node } = inputs;
    return this.limiter.run(async () => {
      const running = await this.files.bundle(node);
      this.limiter.checkSize(node, `the running ${INTERFACES_PATH}`, running?.files.interfaces);
      this.limiter.checkSize(node, `the running ${FRR_PATH}`, running?.files.frr);
      const pending = renderNode(snap.config, factsOf(node, inputs.facts));
      this.limiter.checkSize(node, `the pending ${INTERFACES_PATH}`, pending.interfaces);
      this.limiter.checkSize(node, `the pending ${FRR_PATH}`, pending.frr);
      return use(pending, running);
    });
  }

  async node(node: string): Promise<NodeDryRun> {
    const snap = this.pending();
    const inputs = await this.inputs(snap, node);
    return this.shared(`diff:${inputs.key}`, () =>
      this.compute(snap, inputs, (pending, running) => ({
        'interfaces-diff': unifiedDiff(running?.files.interfaces ?? '', pending.interfaces, { ...DIFF, fromLabel: INTERFACES_PATH }),
        'frr-diff': unifiedDiff(running?.files.frr ?? '', pending.frr ?? '', { ...DIFF, fromLabel: FRR_PATH }),
        // Beyond the reference: say what the diff is based on, so "no diff" is not misread.
        'facts-known': Boolean(inputs.facts),
        'bundle-version': running?.version ?? null,
      })),
    );
  }

  /**
   * One summary row per node (every node with facts, or `nodes`), in the
   * given order. Stored rows are used as they are; missing ones are computed
   * one node at a time (each in its own slot, so per-node requests interleave).
   */
  async summary(nodes?: string[]): Promise<NodeDryRunSummary[]> {
    const snap = this.pending();
    const read = await this.files.inputs(nodes);
    const inputs = [...read].map(([n, i]) => keyed(snap, n, i.facts, i.head));
    const stored = await this.summaries.get(inputs.map((i) => i.key));
    const out: NodeDryRunSummary[] = [];
    for (const i of inputs) {
      out.push(
        stored.get(i.key) ??
          (await this.shared(`summary:${i.key}`, async () => {
            const row = await this.compute(snap, i, (pending, running): NodeDryRunSummary => {
              const ifaces = diffStat(running?.files.interfaces ?? '', pending.interfaces, DIFF);
              const frr = diffStat(running?.files.frr ?? '', pending.frr ?? '', DIFF);
              return {
                node: i.node,
                changed: Boolean(ifaces || frr),
                'interfaces-added': ifaces?.added ?? 0,
                'interfaces-removed': ifaces?.removed ?? 0,
                'frr-added': frr?.added ?? 0,
                'frr-removed': frr?.removed ?? 0,
                'facts-known': Boolean(i.facts),
                'bundle-version': running?.version ?? null,
                'pending-digest': snap.digest,
              };
            });
            await this.summaries.put(i.key, row);
            return row;
          })),
      );
    }
    return out;
  }
}
