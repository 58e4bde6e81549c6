import { useCallback, useRef } from 'react';

/**
 * For pages that reload on live events: each load asks `begin()` for a check, and applies its result only while the check
 * still says it is the latest load. A slow reload started before a change (by an earlier event) can then never overwrite the
 * fresh one started after it, whatever order their answers arrive in.
 */
export function useLatestOnly(): () => () => boolean {
  const generation = useRef(0);
  return useCallback(() => {
    const mine = ++generation.current;
    return () => mine === generation.current;
  }, []);
}
