import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IP events are written here in the allocating transaction and relayed to
 * JetStream (@sdn/outbox), so a crash between commit and publish loses nothing.
 * `sdn_config_history` keeps, per stream sequence, the zones' `ipam` and the
 * IPAM objects seen on the events stream, so a subnet event is handled with
 * the configuration as it was when the subnet event was written.
 */
export class IpamOutbox1764300000002 implements MigrationInterface {
  name = 'IpamOutbox1764300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ipam_event_outbox (seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, envelope jsonb NOT NULL)`);
    await q.query(`CREATE TABLE sdn_config_history (section text NOT NULL, id text NOT NULL, stream_seq bigint NOT NULL,
      object jsonb, PRIMARY KEY (section, id, stream_seq))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sdn_config_history, ipam_event_outbox`);
  }
}
