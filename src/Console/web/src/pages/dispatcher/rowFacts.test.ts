import { describe, expect, it } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { Ticket } from '../../api/types';
import { useRowFacts } from './rowFacts';

const ticket = (id: string) => ({ id, version: 1 }) as Ticket;

describe('useRowFacts', () => {
  it('tells a row still loading, a fact not there yet and a failed load apart', async () => {
    let answer!: (value: string | undefined) => void;
    const pending = new Promise<string | undefined>((resolve) => (answer = resolve));
    const fetch = (t: Ticket) =>
      t.id === 'slow' ? pending : t.id === 'none' ? Promise.resolve(undefined) : Promise.reject(new Error('503'));
    const tickets = [ticket('slow'), ticket('none'), ticket('broken')];
    const { result } = renderHook(() => useRowFacts(tickets, fetch));

    await waitFor(() => expect(result.current(tickets[2]).state).toBe('failed'));
    expect(result.current(tickets[0]).state).toBe('loading');
    expect(result.current(tickets[1]).state).toBe('absent');
    await act(async () => answer('决定'));
    expect(result.current(tickets[0])).toEqual({ state: 'ready', value: '决定' });
  });

  it('asks again for a failed row when the list reloads, and not for an answered one', async () => {
    const asked: string[] = [];
    let fail = true;
    const fetch = (t: Ticket) => {
      asked.push(t.id);
      return t.id === 'a' && fail ? Promise.reject(new Error('503')) : Promise.resolve(`fact ${t.id}`);
    };
    const { result, rerender } = renderHook(({ tickets }) => useRowFacts(tickets, fetch), { initialProps: { tickets: [ticket('a'), ticket('b')] } });
    await waitFor(() => expect(result.current(ticket('a')).state).toBe('failed'));
    fail = false;
    rerender({ tickets: [ticket('a'), ticket('b')] }); // a reload: a new list
    await waitFor(() => expect(result.current(ticket('a'))).toEqual({ state: 'ready', value: 'fact a' }));
    expect(asked).toEqual(['a', 'b', 'a']);
  });

  it('does not ask again for a row whose answer is still on its way', async () => {
    let asked = 0;
    let answer!: (value: string | undefined) => void;
    const fetch = () => {
      asked++;
      return asked === 1 ? Promise.reject(new Error('503')) : new Promise<string | undefined>((resolve) => (answer = resolve));
    };
    const { result, rerender } = renderHook(({ tickets }) => useRowFacts(tickets, fetch), { initialProps: { tickets: [ticket('a')] } });
    await waitFor(() => expect(result.current(ticket('a')).state).toBe('failed'));
    rerender({ tickets: [ticket('a')] }); // a reload: asked again
    rerender({ tickets: [ticket('a')] }); // another, before the answer: not asked a third time
    expect(asked).toBe(2);
    await act(async () => answer('fact'));
    expect(result.current(ticket('a'))).toEqual({ state: 'ready', value: 'fact' });
  });
});
