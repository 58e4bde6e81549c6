import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { LiveEvent } from '../api/types';
import { LiveConnection, type LiveMethod, type LiveStatus } from './LiveConnection';

const LiveContext = createContext<LiveConnection | undefined>(undefined);

/** Opens the hub connection for a signed-in user and closes it on sign-out. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [connection] = useState(() => new LiveConnection());
  useEffect(() => {
    void connection.start();
    return () => void connection.stop();
  }, [connection]);
  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

export function useLiveConnection(): LiveConnection | undefined {
  return useContext(LiveContext);
}

/** Calls handler for every live event of the given methods; the latest handler is always used. */
export function useLiveEvents<T = Record<string, unknown>>(
  methods: LiveMethod[],
  handler: (event: LiveEvent<T>, method: LiveMethod) => void,
) {
  const connection = useContext(LiveContext);
  const latest = useRef(handler);
  latest.current = handler;
  const key = methods.join(',');
  useEffect(() => {
    if (!connection) return;
    const wanted = new Set(key.split(','));
    return connection.subscribe((event, method) => {
      if (wanted.has(method)) latest.current(event as LiveEvent<T>, method);
    });
  }, [connection, key]);
}

/** Calls reload when the page must refetch everything (its missed events are no longer kept). */
export function useLiveReset(reload: () => void) {
  const connection = useContext(LiveContext);
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => connection?.onReset(() => latest.current()), [connection]);
}

export function useLiveStatus(): LiveStatus {
  const connection = useContext(LiveContext);
  const [status, setStatus] = useState<LiveStatus>(connection?.status ?? 'disconnected');
  useEffect(() => connection?.onStatus(setStatus), [connection]);
  return status;
}

/** Watches one ticket while the component showing it is mounted. */
export function useWatchTicket(ticketId: string | undefined) {
  const connection = useContext(LiveContext);
  useEffect(() => {
    if (!connection || !ticketId) return;
    void connection.watchTicket(ticketId).catch(() => undefined);
    return () => void connection.unwatchTicket(ticketId);
  }, [connection, ticketId]);
}

/**
 * Reloads a page's data shortly after a matching live event (events that arrive together cause one reload). Most pages use this:
 * an event says what changed, the API says what it now looks like, so a page never shows state the event alone would guess.
 */
export function useLiveRefresh<T = Record<string, unknown>>(
  methods: LiveMethod[],
  matches: (event: LiveEvent<T>, method: LiveMethod) => boolean,
  reload: () => void,
  delayMs = 150,
) {
  const timer = useRef<number | undefined>(undefined);
  const latestReload = useRef(reload);
  latestReload.current = reload;
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const schedule = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => latestReload.current(), delayMs);
  };
  useLiveEvents<T>(methods, (event, method) => {
    if (matches(event, method)) schedule();
  });
  useLiveReset(schedule);
}
