import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `GET /cluster/sdn/events?correlation=ID` (and `sdnctl events --correlation`) look events up by correlation id. */
export class CorrelationIndex1765100000000 implements MigrationInterface {
  name = 'CorrelationIndex1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS events_correlation_id ON events (correlation_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_correlation_id`);
  }
}
