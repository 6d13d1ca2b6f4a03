import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projection tables of the access-control aggregates (users, API tokens, ACL entries). */
export class Access1764400000000 implements MigrationInterface {
  name = 'Access1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE access_users (userid text PRIMARY KEY, data jsonb NOT NULL)`);
    await q.query(`CREATE TABLE access_tokens (id text PRIMARY KEY, data jsonb NOT NULL)`);
    await q.query(`
      CREATE TABLE access_acl (
        path text NOT NULL, type text NOT NULL, ugid text NOT NULL, roleid text NOT NULL, propagate boolean NOT NULL,
        PRIMARY KEY (path, type, ugid, roleid)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['access_acl', 'access_tokens', 'access_users']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`DELETE FROM projection_checkpoints WHERE name = 'access'`);
  }
}
