import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Server URL for tests; each test file gets its own database on it. */
export const TEST_PG_SERVER = process.env.SDN_TEST_PG || 'postgres://postgres@127.0.0.1:5432';

/** Runs one statement on the server's `postgres` database (CREATE/DROP DATABASE cannot run in the target itself). */
export async function adminQuery(server: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: `${server}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Creates `sdn_test_<random>`; `drop()` removes it (forcibly: leftover pool connections must not block it). */
export async function createTestDatabase(prefix = 'sdn_test'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(TEST_PG_SERVER, `CREATE DATABASE ${name}`);
  return { name, url: `${TEST_PG_SERVER}/${name}`, drop: () => adminQuery(TEST_PG_SERVER, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
