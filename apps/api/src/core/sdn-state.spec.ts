import { createTestDatabase, EventStore, loadProjection, openEventStoreDataSource, type SdnState } from '@sdn/event-store';
import { ConfigIndex } from '@sdn/model';
import type { DataSource } from 'typeorm';
import type { EventStoreService } from './database';
import { type DraftEvent, SdnStateService } from './sdn-state.service';

/** Why `index` does not describe `state`'s pending vnets and subnets (empty when it does). */
function mismatches(index: ConfigIndex, state: SdnState): string[] {
  const out: string[] = [];
  for (const kind of ['vnets', 'subnets'] as const) {
    const ids = state.pending[kind];
    if (index.size(kind) !== Object.keys(ids).length) out.push(`${kind}: index holds ${index.size(kind)}, state ${Object.keys(ids).length}`);
    for (const id of Object.keys(ids)) if (index.raw(kind, id) !== ids[id]) out.push(`${kind}.${id}: index holds another value`);
  }
  return out;
}

const vnetCreated = (id: string, tag: number): DraftEvent => ({ type: 'VnetCreated', aggregateType: 'vnet', aggregateId: id, payload: { id, object: { type: 'vnet', zone: 'z', tag } } });
const vnetDeleted = (id: string): DraftEvent => ({ type: 'VnetDeleted', aggregateType: 'vnet', aggregateId: id, payload: { id } });

describe('SdnStateService keeps the model index in step with the state', () => {
  let db: { url: string; drop(): Promise<void> };
  const sources: DataSource[] = [];
  const services: SdnStateService[] = [];
  const wrong: string[] = [];

  async function replica(): Promise<SdnStateService> {
    const ds = await openEventStoreDataSource(db.url, 2);
    sources.push(ds);
    const s = new SdnStateService(new EventStore(ds) as EventStoreService);
    await s.onModuleInit();
    services.push(s);
    return s;
  }

  /** Runs `events` as one command, checking the index it is handed. */
  let checks = 0;
  const commands = new Set<object>();
  const write = (s: SdnStateService, events: DraftEvent[], refuse = false) => {
    const command = {};
    return s.execute((state, index) => {
      checks++;
      commands.add(command);
      wrong.push(...mismatches(index, state));
      if (refuse) throw new Error('refused');
      return { events };
    }, 'test@pve');
  };

  beforeAll(async () => {
    db = await createTestDatabase('sdn_state');
  });
  afterAll(async () => {
    for (const s of services) await s.beforeApplicationShutdown();
    for (const ds of sources) await ds.destroy();
    await db.drop();
  });

  it('across batches, refused commands, other replicas, a reload and a rollback', async () => {
    const a = await replica();
    const b = await replica();
    // Concurrent commands form batches; some are refused and must leave no trace in the index.
    await Promise.all(Array.from({ length: 40 }, (_, i) => write(a, [vnetCreated(`a${i}`, i + 1)], i % 7 === 3).catch(() => undefined)));
    // b folds a's events as missed ones inside its own transaction.
    await Promise.all(Array.from({ length: 10 }, (_, i) => write(b, [vnetCreated(`b${i}`, 100 + i), vnetDeleted(`a${i}`)])));
    // a folds b's as missed ones; then a replaces one vnet.
    await write(a, [vnetDeleted('a20'), vnetCreated('a20', 999)]);
    // A rollback replaces the staged sections wholesale.
    await write(a, [{ type: 'ConfigApplied', aggregateType: 'config', aggregateId: 'running', payload: { version: 1, running: { version: 1, vnets: { ids: { r1: { type: 'vnet', zone: 'z', tag: 5 } } } } } }]);
    await write(a, [vnetCreated('c1', 7)]);
    await write(a, [{ type: 'ConfigRolledBack', aggregateType: 'config', aggregateId: 'running', payload: { version: 1 } }, vnetCreated('c2', 8)]);
    await write(a, []);
    expect(Object.keys(a.current.pending.vnets).sort()).toEqual(['c2', 'r1']);
    // b catches up through its poller path, then writes again.
    await b.catchUp();
    await write(b, [vnetCreated('b99', 1999)]);
    await b.reload();
    await write(b, []);
    expect(wrong).toEqual([]);
    // The projection rows each batch wrote (only the objects it touched) add up to the state.
    await a.catchUp();
    expect((await loadProjection(sources[0].manager)).pending).toEqual(a.current.pending);
    expect(b.current.pending).toEqual(a.current.pending);
    // The checks ran, on every command (refused ones included), and can fail. A replica's
    // first batch after the other's writes lost its one-round-trip bet and was decided again.
    expect(commands.size).toBe(40 + 10 + 7);
    expect(checks).toBeGreaterThan(commands.size);
    expect(mismatches(ConfigIndex.build({}), a.current)).not.toEqual([]);
  });
});
