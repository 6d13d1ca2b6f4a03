import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster-wide dry-run summaries, shared by every API replica: one row per
 * (pending config, node facts, node bundle) a summary was computed for. A
 * cache, not state: rows can be deleted at any time.
 */
export class DryRun1765000000000 implements MigrationInterface {
  name = 'DryRun1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dry_run_summaries (key text PRIMARY KEY, node text NOT NULL, summary jsonb NOT NULL, computed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX dry_run_summaries_computed_at ON dry_run_summaries (computed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dry_run_summaries`);
  }
}
