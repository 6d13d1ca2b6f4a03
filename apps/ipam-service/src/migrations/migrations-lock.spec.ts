import { Client } from 'pg';
import { MIGRATION_LOCKS, runMigrationsLocked } from '@sdn/event-store';
import { ipamDataSource } from '../main';
import { PG_URL } from '../testing/pg';
import { IPAM_MIGRATIONS } from './index';

/** Replicas of a scaled deployment start together: the IPAM schema must be migrated exactly once. */
describe('IPAM migrations under the advisory lock', () => {
  const name = `ipam_mig_lock_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = `${PG_URL}/${name}`;
  const admin = () => new Client({ connectionString: `${PG_URL}/postgres` });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  it('four replicas starting at once on an empty database all come up, and each migration runs once', async () => {
    const replicas = await Promise.all([1, 2, 3, 4].map(async () => {
      const ds = ipamDataSource(url, 2);
      await ds.initialize();
      return ds;
    }));
    try {
      await Promise.all(replicas.map((ds) => runMigrationsLocked(ds, url, MIGRATION_LOCKS.ipam, 'all')));
      const rows: { name: string; n: string }[] = await replicas[0].query('SELECT name, count(*) AS n FROM migrations GROUP BY name ORDER BY name');
      expect(rows.map((r) => [r.name, Number(r.n)])).toEqual(IPAM_MIGRATIONS.map((m) => [m.name, 1]).sort());
    } finally {
      await Promise.all(replicas.map((ds) => ds.destroy()));
    }
  });
});
