import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE_ENTITIES } from './entities';
import { Initial1764300000000 } from './migrations/1764300000000-initial';
import { Access1764400000000 } from './migrations/1764400000000-access';
import { DryRun1765000000000 } from './migrations/1765000000000-dry-run';
import { CorrelationIndex1765100000000 } from './migrations/1765100000000-correlation-index';
import { Login1765200000000 } from './migrations/1765200000000-login';
import { AccessGroups1765300000000 } from './migrations/1765300000000-access-groups';


/** Creates the database named in `url` when it does not exist (first start on a fresh server). */
export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name) return;
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!r.rowCount) {
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        // Two processes starting at once may both try; the loser sees duplicate_database.
        if (e.code !== '42P04') throw e;
      });
    }
  } finally {
    await c.end();
  }
}

/** A TypeORM data source over the event store schema; migrations run on `openEventStoreDataSource`. */
export function createEventStoreDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: EVENT_STORE_ENTITIES,
    migrations: [Initial1764300000000, Access1764400000000, DryRun1765000000000, CorrelationIndex1765100000000, Login1765200000000, AccessGroups1765300000000],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize },
  });
}

/** Creates the database if needed, connects and runs pending migrations. */
export async function openEventStoreDataSource(url: string, poolSize = 10): Promise<DataSource> {
  await ensureDatabase(url);
  const ds = createEventStoreDataSource(url, poolSize);
  await ds.initialize();
  try {
    await runMigrationsLocked(ds, url, MIGRATION_LOCKS.eventStore, 'each');
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    throw e;
  }
  return ds;
}

/** Advisory lock keys (class 7421) of the schemas that migrate themselves at start. */
export const MIGRATION_LOCKS = { eventStore: 0, ipam: 1 } as const;

/**
 * Runs `ds`'s pending migrations while holding a PostgreSQL session advisory lock (7421, key): several
 * replicas may start together, and the first to get the lock migrates while the others wait, then find
 * nothing left to do. The lock is held on its own connection, so a pool of one still works, and is
 * released when that connection ends, even if this process dies halfway.
 */
export async function runMigrationsLocked(ds: DataSource, url: string, key: number, transaction: 'all' | 'each'): Promise<void> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(7421, $1)', [key]);
    await ds.runMigrations({ transaction });
  } finally {
    await lock.end().catch(() => undefined);
  }
}
