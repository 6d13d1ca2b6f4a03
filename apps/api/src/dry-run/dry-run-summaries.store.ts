import { Injectable, Logger } from '@nestjs/common';
import { EventStoreService } from '../core/database';

/** One node's row of the cluster-wide dry run. */
export interface NodeDryRunSummary {
  node: string;
  /** Whether apply would change any file of the node. */
  changed: boolean;
  'interfaces-added': number;
  'interfaces-removed': number;
  'frr-added': number;
  'frr-removed': number;
  'facts-known': boolean;
  'bundle-version': number | null;
  /** The pending configuration the row describes (sha256 of its canonical JSON). */
  'pending-digest': string;
}

/** Rows older than this are deleted (they are a cache of outdated pending versions by then). */
const KEEP_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

/**
 * Summaries shared by every replica, in PostgreSQL (`dry_run_summaries`),
 * keyed by what they were computed from (pending digest, node, facts, bundle):
 * a key never changes meaning, so rows are written once and never updated.
 */
@Injectable()
export class DryRunSummaryStore {
  private readonly log = new Logger('dry-run');
  private lastPrune = 0;

  constructor(private readonly store: EventStoreService) {}

  async get(keys: string[]): Promise<Map<string, NodeDryRunSummary>> {
    const out = new Map<string, NodeDryRunSummary>();
    if (!keys.length) return out;
    const rows = (await this.store.ds.query(`SELECT key, summary FROM dry_run_summaries WHERE key = ANY($1)`, [keys])) as { key: string; summary: NodeDryRunSummary }[];
    for (const r of rows) out.set(r.key, r.summary);
    return out;
  }

  async put(key: string, summary: NodeDryRunSummary): Promise<void> {
    await this.store.ds.query(`INSERT INTO dry_run_summaries (key, node, summary) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, [key, summary.node, summary]);
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.store.ds
        .query(`DELETE FROM dry_run_summaries WHERE computed_at < now() - make_interval(secs => $1)`, [KEEP_MS / 1000])
        .catch((e: Error) => this.log.warn(`pruning dry-run summaries failed: ${e.message}`));
    }
  }
}
