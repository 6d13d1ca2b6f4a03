import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PVE_IPAM_ENTITIES } from '../pve/entities';
import { IPAM_MIGRATIONS } from '../migrations';

export const PG_URL = process.env.IPAM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A throw-away database per test file, migrated with the real migration. */
export async function freshDatabase(prefix = 'ipam_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `${PG_URL}/${name}`;
  const ds = pveDataSource(url);
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: `${PG_URL}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function pveDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({ type: 'postgres', url, entities: PVE_IPAM_ENTITIES, migrations: IPAM_MIGRATIONS, extra: { max: poolSize } });
}
