import type { DataSource } from 'typeorm';
import { createTestDatabase, dumpProjection, emptyState, EventStore, openEventStoreDataSource, reduceAll, writeProjectionDelta } from '@sdn/event-store';
import { run } from './projections';

/** `sdnctl projections verify|rebuild` on a real database (SDN_DATABASE_URL). */
describe('sdnctl projections', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  const saved = process.env.SDN_DATABASE_URL;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.SDN_DATABASE_URL = db.url;
    ds = await openEventStoreDataSource(db.url, 2);
    // A live history: events appended with their projection rows, as the API writes them.
    const ev = (v: number, type: string, id: string, payload: object) => ({ type, typeVersion: 1, aggregateType: type.startsWith('Zone') ? 'zone' : 'config', aggregateId: id, aggregateVersion: v, payload, actor: 'a', correlationId: 'c' });
    await new EventStore(ds).write(async (tx) => {
      const appended = await tx.append([
        ev(1, 'ZoneCreated', 'z1', { id: 'z1', object: { type: 'simple' } }),
        ev(1, 'ZoneCreated', 'z2', { id: 'z2', object: { type: 'simple', mtu: 1400 } }),
        ev(1, 'ConfigApplied', 'running', { version: 1, running: { version: 1, zones: { ids: { z1: { type: 'simple' } } } } }),
        ev(2, 'ZoneDeleted', 'z1', { id: 'z1' }),
      ]);
      await writeProjectionDelta(tx, emptyState(), reduceAll(emptyState(), appended));
    });
  });
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => log.mockRestore());
  afterAll(async () => {
    process.env.SDN_DATABASE_URL = saved;
    await ds.destroy();
    await db.drop();
  });

  it('verify passes on consistent tables, notices a corrupted row; rebuild repairs it', async () => {
    const live = await dumpProjection(ds);
    expect(live.objects).toEqual([{ section: 'zones', id: 'z2', data: { type: 'simple', mtu: 1400 } }]);
    expect(await run(['verify'])).toBe(0);
    await ds.query(`UPDATE sdn_objects SET data = '{"type":"simple","mtu":9000}' WHERE id = 'z2'`);
    await ds.query(`DELETE FROM sdn_running`);
    expect(await run(['verify'])).toBe(1);
    expect(await run(['rebuild'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/rebuilt from 4 events: 1 objects, running version 1, unlocked/);
    expect(await run(['verify'])).toBe(0);
    expect(await dumpProjection(ds)).toEqual(live);
  });

  it('rejects unknown subcommands', async () => {
    await expect(run(['frobnicate'])).rejects.toThrow(/usage/);
  });
});
