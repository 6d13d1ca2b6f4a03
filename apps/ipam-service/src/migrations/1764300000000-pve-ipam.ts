import { MigrationInterface, QueryRunner } from 'typeorm';

export class PveIpam1764300000000 implements MigrationInterface {
  name = 'PveIpam1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ipam_zone (ipam text NOT NULL, zone text NOT NULL, PRIMARY KEY (ipam, zone))`);
    await q.query(`CREATE TABLE ipam_subnet (ipam text NOT NULL, zone text NOT NULL, subnet text NOT NULL,
      PRIMARY KEY (ipam, zone, subnet), FOREIGN KEY (ipam, zone) REFERENCES ipam_zone ON DELETE CASCADE)`);
    await q.query(`CREATE TABLE ipam_ip (ipam text NOT NULL, zone text NOT NULL, subnet text NOT NULL, ip inet NOT NULL,
      vnet text, gateway boolean NOT NULL DEFAULT false, mac text, hostname text, vmid text, auto boolean NOT NULL DEFAULT false,
      PRIMARY KEY (ipam, zone, subnet, ip), FOREIGN KEY (ipam, zone, subnet) REFERENCES ipam_subnet ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX ipam_ip_mac_idx ON ipam_ip (ipam, mac)`);
    await q.query(`CREATE TABLE ipam_free_block (ipam text NOT NULL, zone text NOT NULL, subnet text NOT NULL,
      start inet NOT NULL, "end" inet NOT NULL, PRIMARY KEY (ipam, zone, subnet, start),
      FOREIGN KEY (ipam, zone, subnet) REFERENCES ipam_subnet ON DELETE CASCADE, CHECK (start <= "end"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ipam_free_block, ipam_ip, ipam_subnet, ipam_zone`);
  }
}
