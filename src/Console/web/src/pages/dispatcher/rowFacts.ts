import { useEffect, useRef, useState } from 'react';
import type { Ticket } from '../../api/types';

/** Where one row's fact stands: asked and not yet answered, answered, not there yet (not classified), or failed to load. */
export type RowFact<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'absent' } | { state: 'failed' };

/**
 * Per-ticket facts a list shows beside each row, fetched once per ticket (and version) and kept while the page is open: the
 * routing decision recorded on a waiting ticket never changes, a return's reason only with a new return. A fact that was not
 * there yet or failed to load is asked again when the list reloads; meanwhile the row says which of the two it was, so a
 * failed load never reads as "not classified".
 */
export function useRowFacts<T>(tickets: Ticket[], fetch: (ticket: Ticket) => Promise<T | undefined>) {
  const cache = useRef(new Map<string, RowFact<T>>());
  // Asked and not answered yet: not asked again meanwhile, so an older answer can never land after a newer one.
  const asking = useRef(new Set<string>());
  const mounted = useRef(true);
  const [, setAnswered] = useState(0);
  const keyOf = (t: Ticket) => `${t.id}:${t.version}`;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    const due = tickets.filter((t) => {
      const known = cache.current.get(keyOf(t));
      return !asking.current.has(keyOf(t)) && (known === undefined || known.state === 'absent' || known.state === 'failed');
    });
    for (const t of due) {
      const key = keyOf(t);
      const before = cache.current.get(key);
      // A retry keeps what the row said until the new answer comes, rather than flickering back to "loading".
      if (before === undefined) cache.current.set(key, { state: 'loading' });
      asking.current.add(key);
      fetch(t)
        .then((value) => cache.current.set(key, value === undefined ? { state: 'absent' } : { state: 'ready', value }))
        .catch(() => cache.current.set(key, { state: 'failed' }))
        .finally(() => {
          asking.current.delete(key);
          if (mounted.current) setAnswered((n) => n + 1);
        });
    }
  }, [tickets, fetch]);
  return (t: Ticket): RowFact<T> => cache.current.get(keyOf(t)) ?? { state: 'loading' };
}
