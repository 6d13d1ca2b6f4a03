import type { DataSource } from 'typeorm';
import { openEventStoreDataSource } from './data-source';
import { EventStore, type NewEvent, StaleWriteError } from './event-store';
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

  it('concurrent writers are serialised: each sees the other in the events read with the lock', async () => {
    const seen: number[] = [];
    await Promise.all(
      [3, 4].map((v) =>
        store.write(
          async (tx) => {
            seen.push(tx.missed.length);
            await new Promise((r) => setTimeout(r, 50));
            return tx.append([ev(v)]);
          },
          { since: 0 },
        ),
      ),
    );
    expect(seen.sort()).toEqual([seen[0], seen[0] + 1]);
    expect((await store.aggregateVersions()).get('zone/z1')).toBe(4);
  });

  it('with `since`, the lock round trip also returns the events committed after it', async () => {
    const all = await store.read(0, 1000);
    const since = all[all.length - 2].seq;
    const missed = await store.write(async (tx) => tx.missed, { since });
    expect(missed).toEqual(all.slice(-1));
  });

  it('deferred statements commit with the events, quoted as literals; one failing rolls back the whole write', async () => {
    await ds.query(`CREATE TABLE IF NOT EXISTS deferred_probe (k text PRIMARY KEY, v jsonb, n int)`);
    const tricky = { text: "it's $1 \\ back\\slash", nested: ['$2', null] };
    await store.write(async (tx) => {
      await tx.append([ev(1, 'zd')]);
      await tx.deferring.query('INSERT INTO deferred_probe (k, v, n) VALUES ($1, $2::jsonb, $3)', ["o'k", JSON.stringify(tricky), 7]);
    });
    expect(await ds.query('SELECT k, v, n FROM deferred_probe')).toEqual([{ k: "o'k", v: tricky, n: 7 }]);

    const before = await store.count();
    await expect(
      store.write(async (tx) => {
        await tx.append([ev(2, 'zd')]);
        await tx.deferring.query('INSERT INTO deferred_probe (k, v, n) VALUES ($1, $2::jsonb, $3)', ["o'k", '{}', 1]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await store.count()).toBe(before);
    expect((await store.aggregateVersions()).get('zone/zd')).toBe(1);
  });

  it('appendAtCommit appends with COMMIT, moves the named checkpoint, and rejects with a failed write', async () => {
    let pending!: Promise<unknown>;
    await store.write(async (tx) => {
      pending = tx.appendAtCommit([ev(1, 'zc')], { checkpoint: 'probe' });
    });
    const [appended] = (await pending) as { seq: number; aggregateId: string }[];
    expect(appended.aggregateId).toBe('zc');
    expect(await store.read(appended.seq - 1, 1)).toEqual([appended]);
    expect(await ds.query(`SELECT seq::int AS seq FROM projection_checkpoints WHERE name = 'probe'`)).toEqual([{ seq: appended.seq }]);

    const before = await store.count();
    let failing!: Promise<unknown>;
    await expect(
      store.write(async (tx) => {
        failing = tx.appendAtCommit([ev(1, 'zc')], { checkpoint: 'probe' });
      }),
    ).rejects.toThrow(/duplicate key/);
    await expect(failing).rejects.toThrow(/duplicate key/);
    expect(await store.count()).toBe(before);
  });

  it('optimistic: one message when nobody wrote after `since`; a lost bet writes nothing and says so', async () => {
    const head = (await store.read(0, 100000)).at(-1)!.seq;
    let appended!: Promise<{ seq: number }[]>;
    const before = await store.count();
    await store.write(
      async (tx) => {
        expect(tx.missed).toEqual([]);
        appended = tx.appendAtCommit([ev(1, 'zo')]);
      },
      { since: head, optimistic: true },
    );
    expect((await appended)[0].seq).toBeGreaterThan(head);
    expect(await store.count()).toBe(before + 1);

    // `head` is stale now: the check after the lock refuses, and the event is not written.
    let lost!: Promise<unknown>;
    await expect(
      store.write(
        async (tx) => {
          lost = tx.appendAtCommit([ev(1, 'zp')]);
        },
        { since: head, optimistic: true },
      ),
    ).rejects.toBeInstanceOf(StaleWriteError);
    await expect(lost).rejects.toBeDefined();
    expect(await store.count()).toBe(before + 1);
    expect((await store.aggregateVersions()).get('zone/zp')).toBeUndefined();
    // The connection went back clean: the next write works.
    await store.write(async (tx) => void tx.appendAtCommit([ev(1, 'zp')]), { since: (await store.read(0, 100000)).at(-1)!.seq, optimistic: true });
    expect((await store.aggregateVersions()).get('zone/zp')).toBe(1);
  });
});
