import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API's id of the allocation request that registered an address. A request the API sends
 * again after a timeout (the replica or NATS server that had it died) finds the addresses its
 * first attempt committed instead of getting a second set. Kept on the address row rather than in
 * a table of its own: it lives exactly as long as the allocation, so nothing needs expiring. The
 * index is partial: explicit registrations from older callers and gateways carry no id.
 */
export class AllocationRequestId1764300000006 implements MigrationInterface {
  name = 'AllocationRequestId1764300000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ipam_ip ADD COLUMN request_id uuid`);
    await q.query(`CREATE INDEX ipam_ip_request_idx ON ipam_ip (request_id) WHERE request_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ipam_ip_request_idx`);
    await q.query(`ALTER TABLE ipam_ip DROP COLUMN request_id`);
  }
}
