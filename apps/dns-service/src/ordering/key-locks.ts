/**
 * FIFO lock table over string keys with shared and exclusive modes. Work is
 * admitted in the order `run` is called, and a job waits only for earlier
 * jobs that touch one of its keys in a conflicting mode. So events for the
 * same DNS name or address apply in stream order, while unrelated events run
 * concurrently. A job never waits for a later one, so there is no deadlock.
 */
export type LockMode = 'shared' | 'exclusive';

interface KeyState {
  /** Completion of the last exclusive holder. */
  lastExclusive: Promise<void>;
  /** Completions of shared holders admitted after that exclusive holder. */
  shared: Set<Promise<void>>;
  /** Jobs registered on this key and not finished; the entry is dropped at 0. */
  holders: number;
}

export class KeyLocks {
  private readonly keys = new Map<string, KeyState>();

  /** Number of keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.keys.size;
  }

  run<T>(locks: Array<[string, LockMode]>, job: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const waits: Promise<void>[] = [];
    // Registration is synchronous, so admission order equals call order.
    for (const [key, mode] of dedupe(locks)) {
      const st = this.keys.get(key) ?? { lastExclusive: Promise.resolve(), shared: new Set<Promise<void>>(), holders: 0 };
      st.holders++;
      waits.push(st.lastExclusive);
      if (mode === 'exclusive') {
        waits.push(...st.shared);
        st.lastExclusive = done;
        st.shared = new Set();
      } else {
        st.shared.add(done);
      }
      this.keys.set(key, st);
    }
    const keys = dedupe(locks).map(([k]) => k);
    const cleanup = () => {
      for (const key of keys) {
        const st = this.keys.get(key);
        if (!st) continue;
        st.shared.delete(done);
        if (--st.holders === 0) this.keys.delete(key);
      }
      release();
    };
    return Promise.all(waits)
      .then(job)
      .finally(cleanup);
  }
}

/** A key named twice keeps its strongest mode. */
function dedupe(locks: Array<[string, LockMode]>): Array<[string, LockMode]> {
  const m = new Map<string, LockMode>();
  for (const [k, mode] of locks) if (m.get(k) !== 'exclusive') m.set(k, mode);
  return [...m];
}
