import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/client';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Reload now (after a write). */
  reload: () => Promise<void>;
}

/**
 * Loads `load()` now and again every `everyMs` while the view is shown (0: once).
 * A slow answer never overlaps the next request; the newest answer wins.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const gen = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++gen.current;
    try {
      const d = await loadRef.current();
      if (mine !== gen.current) return;
      setData(d);
      setError(undefined);
    } catch (e) {
      if (mine === gen.current) setError(errorText(e));
    } finally {
      if (mine === gen.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    const generation = gen;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await reload();
      if (!stopped && everyMs > 0) timer = setTimeout(tick, everyMs);
    };
    setLoading(true);
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Answers still in flight belong to the old deps: drop them.
      generation.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs, reload, ...deps]);
  return { data, error, loading, reload };
}
