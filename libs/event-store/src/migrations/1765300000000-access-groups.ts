import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projection table of the group aggregate (membership lives in the users' records, as in the reference). */
export class AccessGroups1765300000000 implements MigrationInterface {
  name = 'AccessGroups1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE access_groups (groupid text PRIMARY KEY, data jsonb NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS access_groups`);
  }
}
