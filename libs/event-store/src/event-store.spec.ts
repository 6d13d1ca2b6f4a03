import type { DataSource } from 'typeorm';
import { openEventStoreDataSource } from './data-source';
import { EventStore, type NewEvent } from './event-store';
import { createTestDatabase } from './testing';

describe('event store (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: EventStore;
  const ev = (aggregateVersion: number, id = 'z1'): NewEvent => ({
    type: 'ZoneCreated',
    typeVersion: 1,
    aggregateType: 'zone',
    aggregateId: id,
    aggregateVersion,
    payload: { id, object: { type: 'simple' } },
    actor: 'root@pam!t',
    correlationId: 'corr',
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openEventStoreDataSource(db.url, 4);
    store = new EventStore(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('migrations are idempotent (a second start runs nothing)', async () => {
    const again = await openEventStoreDataSource(db.url, 1);
    expect(await again.showMigrations()).toBe(false);
    await again.destroy();
  });

  it('appends with a global sequence and returns full envelopes', async () => {
    const out = await store.write((tx) => tx.append([ev(1), ev(1, 'z2')]));
    expect(out.map((e) => e.seq)).toEqual([1, 2]);
    expect(out[0]).toMatchObject({ type: 'ZoneCreated', aggregateId: 'z1', aggregateVersion: 1, actor: 'root@pam!t', correlationId: 'corr' });
    expect(out[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(out[0].time).getTime()).toBeGreaterThan(0);
    expect(await store.read(1)).toEqual([out[1]]);
  });

  it('two writers of the same aggregate version conflict; the failed transaction leaves nothing', async () => {
    const before = await store.count();
    await expect(store.write((tx) => tx.append([ev(2), ev(2)]))).rejects.toThrow(/events_aggregate_version_uq|duplicate key/);
    expect(await store.count()).toBe(before);
    expect(Number((await ds.query('SELECT count(*) AS n FROM event_outbox'))[0].n)).toBe(before);
  });

  it('the log is append-only at the database level', async () => {
    await expect(ds.query(`UPDATE events SET actor = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM events`)).rejects.toThrow(/append-only/);
  });

  it('concurrent writers are serialised: each sees the other in readSince', async () => {
    const seen: number[] = [];
    await Promise.all(
      [3, 4].map((v) =>
        store.write(async (tx) => {
          const prior = await tx.readSince(0);
          seen.push(prior.length);
          await new Promise((r) => setTimeout(r, 50));
          return tx.append([ev(v)]);
        }),
      ),
    );
    expect(seen.sort()).toEqual([seen[0], seen[0] + 1]);
    expect((await store.aggregateVersions()).get('zone/z1')).toBe(4);
  });
});
