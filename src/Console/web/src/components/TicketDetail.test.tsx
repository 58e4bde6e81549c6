import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { useTicket } from './TicketDetail';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

describe('useTicket', () => {
  it('keeps the latest reload’s ticket when an earlier reload answers after it', async () => {
    // Each ticket request waits until the test answers it, so the answers can arrive out of order.
    const pending: ((version: number) => void)[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      if (url.endsWith('/timeline')) return Promise.resolve(json([]));
      return new Promise<Response>((resolve) => pending.push((version) => resolve(json({ id: 't1', version, state: 'PendingDispatch' }))));
    });
    const { result } = renderHook(() => useTicket('t1'));
    await waitFor(() => expect(pending).toHaveLength(1));
    // A live event: the ticket was classified (version 2) while the first load (version 1) is still on its way.
    act(() => void result.current.reload());
    await waitFor(() => expect(pending).toHaveLength(2));
    await act(async () => pending[1](2));
    await waitFor(() => expect(result.current.ticket?.version).toBe(2));
    await act(async () => pending[0](1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(result.current.ticket?.version).toBe(2);
    expect(result.current.loading).toBe(false);
  });
});
