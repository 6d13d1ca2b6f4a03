import { seededRandom } from '@sdn/model';
import { objectEventType, SECTIONS, type SectionName } from './events';
import { emptyState, type FoldableEvent, reduceAll, type SdnState, sectionRevision } from './state';
import { WorkingState } from './working-state';

const plain = (s: SdnState) => JSON.parse(JSON.stringify({ seq: s.seq, pending: s.pending, running: s.running, lock: s.lock }));

/** A random event of every kind the state folds, on a few IDs so edits collide. */
function randomEvent(r: () => number, seq: number, running: SdnState['running']): FoldableEvent {
  const x = r();
  if (x < 0.05) return { seq, type: 'ConfigApplied', payload: { version: seq, running: { version: seq, vnets: { ids: { [`v${seq % 3}`]: { type: 'vnet', zone: 'z' } } } } } };
  if (x < 0.08 && running) return { seq, type: 'ConfigRolledBack', payload: { version: running.version } };
  if (x < 0.11) return { seq, type: 'LockAcquired', payload: { tokenHash: `h${seq}` } };
  if (x < 0.13) return { seq, type: 'LockReleased', payload: {} };
  const section: SectionName = SECTIONS[Math.floor(r() * SECTIONS.length)];
  const id = `${section[0]}${Math.floor(r() * 6)}`;
  const op = r() < 0.3 ? 'Deleted' : r() < 0.5 ? 'Created' : 'Updated';
  return { seq, type: objectEventType(section, op), payload: op === 'Deleted' ? { id } : { id, object: { n: seq } } };
}

describe('WorkingState', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('matches folding only the committed events (seed %i): batches committed or aborted, snapshots never change', (seed) => {
    const r = seededRandom(seed);
    const base = reduceAll(emptyState(), [
      { seq: 1, type: 'VnetCreated', payload: { id: 'v1', object: { zone: 'z' } } },
      { seq: 2, type: 'ZoneCreated', payload: { id: 'z0', object: { type: 'simple' } } },
    ]);
    const w = new WorkingState(base);
    const committed: FoldableEvent[] = [];
    let seq = 2;
    const kept: { snap: SdnState; frozen: unknown }[] = [];
    for (let round = 0; round < 300; round++) {
      const batch = w.begin();
      const events: FoldableEvent[] = [];
      const n = 1 + Math.floor(r() * 5);
      for (let i = 0; i < n; i++) {
        // As the API does: events fold with seq 0, the commit records the real one.
        const ev = randomEvent(r, seq + i + 1, w.live.running);
        events.push(ev);
        w.apply(batch, { ...ev, seq: 0 });
      }
      // A reader in the middle of a batch sees the committed state only.
      const expected = reduceAll(base, committed);
      expect(plain(w.committed())).toEqual(plain(expected));
      if (r() < 0.3) {
        w.abort(batch);
      } else {
        seq += n;
        committed.push(...events);
        w.commit(batch, seq);
      }
      const now = reduceAll(base, committed);
      expect(plain(w.live)).toEqual(plain(now));
      const snap = w.committed();
      expect(plain(snap)).toEqual(plain(now));
      if (round % 25 === 0) kept.push({ snap, frozen: plain(snap) });
    }
    for (const k of kept) expect(plain(k.snap)).toEqual(k.frozen);
  });

  it('delta: the touched IDs before and after a batch, whole sections after a rollback', () => {
    const base = reduceAll(emptyState(), [
      { seq: 1, type: 'VnetCreated', payload: { id: 'a', object: { n: 1 } } },
      { seq: 2, type: 'VnetCreated', payload: { id: 'b', object: { n: 2 } } },
      { seq: 3, type: 'ConfigApplied', payload: { version: 1, running: { vnets: { ids: { a: { n: 1 } } } } } },
    ]);
    const w = new WorkingState(base);
    const b1 = w.begin();
    w.apply(b1, { seq: 0, type: 'VnetUpdated', payload: { id: 'a', object: { n: 10 } } });
    w.apply(b1, { seq: 0, type: 'VnetDeleted', payload: { id: 'b' } });
    w.apply(b1, { seq: 0, type: 'VnetCreated', payload: { id: 'c', object: { n: 3 } } });
    w.apply(b1, { seq: 0, type: 'VnetUpdated', payload: { id: 'a', object: { n: 11 } } });
    const [before, after] = w.delta(b1);
    expect(before.pending.vnets).toEqual({ a: { n: 1 }, b: { n: 2 } });
    expect(after.pending.vnets).toEqual({ a: { n: 11 }, c: { n: 3 } });
    expect(before.pending.zones).toBe(after.pending.zones);
    w.commit(b1, 7);

    const b2 = w.begin();
    w.apply(b2, { seq: 0, type: 'VnetUpdated', payload: { id: 'c', object: { n: 4 } } });
    w.apply(b2, { seq: 0, type: 'ConfigRolledBack', payload: { version: 1 } });
    w.apply(b2, { seq: 0, type: 'VnetCreated', payload: { id: 'd', object: { n: 5 } } });
    const [b, a] = w.delta(b2);
    expect(b.pending.vnets).toEqual({ a: { n: 11 }, c: { n: 3 } });
    expect(a.pending.vnets).toEqual({ a: { n: 1 }, d: { n: 5 } });
    w.abort(b2);
    expect(w.live.pending.vnets).toEqual({ a: { n: 11 }, c: { n: 3 } });
  });

  it('bumps the revision of a section changed in place (digest caches key on it)', () => {
    const w = new WorkingState(emptyState());
    const vnets = w.live.pending.vnets;
    const r0 = sectionRevision(vnets);
    const b = w.begin();
    w.apply(b, { seq: 0, type: 'VnetCreated', payload: { id: 'x', object: {} } });
    expect(sectionRevision(vnets)).toBeGreaterThan(r0);
    const r1 = sectionRevision(vnets);
    w.abort(b);
    expect(sectionRevision(vnets)).toBeGreaterThan(r1);
  });

  it('refuses out-of-order settlement', () => {
    const w = new WorkingState(emptyState());
    const a = w.begin();
    const b = w.begin();
    expect(() => w.commit(b, 1)).toThrow('oldest first');
    expect(() => w.abort(a)).toThrow('newest first');
    expect(() => w.apply(a, { seq: 0, type: 'LockReleased', payload: {} })).toThrow('newest open batch');
  });
});
