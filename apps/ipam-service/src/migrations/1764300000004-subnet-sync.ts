import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subnet changes registered in an external IPAM at the API's request, before
 * the API wrote their event. The event's consumer removes the row instead of
 * registering again; a row whose event never came (the API failed or died in
 * between) is undone by the sweeper.
 */
export class SubnetSync1764300000004 implements MigrationInterface {
  name = 'SubnetSync1764300000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ipam_subnet_sync (subnet_id text NOT NULL, fingerprint text NOT NULL, request jsonb NOT NULL,
      registered_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (subnet_id, fingerprint))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ipam_subnet_sync`);
  }
}
