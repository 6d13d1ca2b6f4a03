import { emptyState, reduce, reduceAll, sectionRevision, StateDraft } from './state';

const created = (seq: number, id: string, object: Record<string, unknown>) => ({ seq, type: 'VnetCreated', payload: { id, object } });

describe('SDN state folding', () => {
  it('never modifies the base state; a draft bumps the revision of sections it changes', () => {
    const base = reduce(emptyState(), created(1, 'a', { zone: 'z' }));
    const frozen = JSON.stringify(base);
    const d = new StateDraft(base);
    d.apply(created(2, 'b', { zone: 'z' }));
    const rev = sectionRevision(d.state.pending.vnets);
    d.apply({ seq: 3, type: 'VnetDeleted', payload: { id: 'a' } });
    expect(sectionRevision(d.state.pending.vnets)).toBe(rev + 1);
    expect(JSON.stringify(base)).toBe(frozen);
    expect(d.state.pending.vnets).toEqual({ b: { zone: 'z' } });
    expect(d.state.pending.zones).toBe(base.pending.zones); // untouched sections are shared
    expect(d.state.seq).toBe(3);
  });

  it('apply, rollback, lock', () => {
    const s = reduceAll(emptyState(), [
      created(1, 'a', { zone: 'z' }),
      { seq: 2, type: 'ConfigApplied', payload: { version: 1, running: { version: 1, vnets: { ids: { a: { zone: 'z' } } } } } },
      created(3, 'b', { zone: 'z' }),
      { seq: 4, type: 'LockAcquired', payload: { tokenHash: 'h' } },
      { seq: 5, type: 'ConfigRolledBack', payload: { version: 1 } },
      { seq: 6, type: 'SomethingNew', payload: {} },
    ]);
    expect(s.running?.version).toBe(1);
    expect(s.pending.vnets).toEqual({ a: { zone: 'z' } });
    expect(s.pending.zones).toEqual({});
    expect(s.lock).toEqual({ tokenHash: 'h' });
    expect(s.seq).toBe(6);
    expect(reduce(s, { seq: 7, type: 'LockReleased', payload: { forced: false, reason: 'unlock' } }).lock).toBeNull();
  });
});
