import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../api/http';

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  /** The Chinese one-liner of the last failed load, if the last load failed. */
  error: string | undefined;
  reload: () => Promise<void>;
}

/**
 * Loads data for a page and reloads it on demand. `deps` restart the load (filters); an answer that arrives after a newer
 * request started is dropped, so a slow old answer never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const latest = useRef(0);
  const run = useCallback(load, deps);

  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await run();
      if (ticket === latest.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (ticket === latest.current) setError(e instanceof ApiError ? e.summary : '加载失败，请刷新页面重试。');
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, error, reload };
}
