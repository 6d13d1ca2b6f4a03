import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Addresses the IPAM handed out for a lease a node's DHCP server reported
 * (DhcpLeases). A released lease gives back only such an address: one an
 * operator or the API registered for the MAC is never released by a guest.
 */
export class DhcpLease1764300000007 implements MigrationInterface {
  name = 'DhcpLease1764300000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ipam_ip ADD COLUMN dhcp_lease boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ipam_ip DROP COLUMN dhcp_lease`);
  }
}
