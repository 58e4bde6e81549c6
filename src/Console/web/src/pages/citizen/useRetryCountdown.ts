import { useEffect, useState } from 'react';

/**
 * After a 429 the page counts down the host's Retry-After and keeps the button disabled until then, so a citizen is told how long
 * to wait instead of being refused again. Returns the seconds left (0 when free) and the function that starts a countdown.
 */
export function useRetryCountdown(): [number, (seconds: number) => void] {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const timer = window.setTimeout(() => setNow(Date.now()), 1000);
    return () => window.clearTimeout(timer);
  }, [until, now]);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return [
    left,
    (seconds: number) => {
      const start = Date.now();
      setNow(start);
      setUntil(start + seconds * 1000);
    },
  ];
}
