import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password login: password hashes (credentials, like api_tokens: not
 * event-sourced), the key that signs tickets (made once, shared by every API
 * replica) and failed-login counters (shared, so the limit holds however many
 * replicas answer).
 */
export class Login1765200000000 implements MigrationInterface {
  name = 'Login1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE access_passwords (userid text PRIMARY KEY, hash text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE auth_keys (name text PRIMARY KEY, key bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE auth_failures (key text PRIMARY KEY, failures integer NOT NULL, last_at timestamptz NOT NULL, blocked_until timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['auth_failures', 'auth_keys', 'access_passwords']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
