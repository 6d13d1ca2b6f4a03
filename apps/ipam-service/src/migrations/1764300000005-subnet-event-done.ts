import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subnet events of phpIPAM/NetBox zones handled to the end, written in the
 * transaction that writes their gateway's IP events. A redelivered event (or
 * the stream read again by a recreated durable) finds its row and writes no
 * second IpAllocated/IpReleased. The outbox row cannot tell (the relay deletes
 * it once published) and neither can JetStream (its duplicate window is
 * minutes), hence rows that stay.
 */
export class SubnetEventDone1764300000005 implements MigrationInterface {
  name = 'SubnetEventDone1764300000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ipam_subnet_event_done (event_id text PRIMARY KEY, subnet_id text NOT NULL, done_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ipam_subnet_event_done`);
  }
}
