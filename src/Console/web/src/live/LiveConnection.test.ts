import { afterEach, describe, expect, it, vi } from 'vitest';
import { HubConnectionState } from '@microsoft/signalr';
import type { LiveEvent } from '../api/types';
import { LiveConnection, type HubLike, type LiveMethod } from './LiveConnection';

/** A stand-in for the SignalR connection: the test pushes events and drives reconnects by hand. */
class FakeHub implements HubLike {
  state = HubConnectionState.Disconnected;
  handlers = new Map<string, (event: LiveEvent) => void>();
  reconnecting?: () => void;
  reconnected?: () => void;
  closed?: () => void;
  onStart?: () => void;
  on(method: string, handler: (event: LiveEvent) => void) {
    this.handlers.set(method, handler);
  }
  onreconnecting(callback: () => void) {
    this.reconnecting = callback;
  }
  onreconnected(callback: () => void) {
    this.reconnected = callback;
  }
  onclose(callback: () => void) {
    this.closed = callback;
  }
  async start() {
    this.state = HubConnectionState.Connected;
    this.onStart?.();
  }
  async stop() {
    this.state = HubConnectionState.Disconnected;
    this.closed?.();
  }
  async invoke() {
    return undefined;
  }
  push(method: LiveMethod, sequence: number) {
    this.handlers.get(method)!({ sequence, at: '2026-11-23T09:00:00+08:00', data: { n: sequence } });
  }
}

interface Page {
  latest: number;
  reset?: boolean;
  more?: boolean;
  events?: number[];
}

/** Answers GET /api/console/events from a script: each `after` value gets its page, possibly only when the test says so. */
function catchUpServer(pages: Record<string, Page | Promise<Page>>) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (path: string) => {
    const after = new URL(path, 'http://host').searchParams.get('after') ?? 'start';
    asked.push(after);
    const page = await pages[after];
    if (!page) return new Response('{}', { status: 500, headers: { 'Content-Type': 'application/json' } });
    const body = {
      latest: page.latest,
      reset: page.reset ?? false,
      more: page.more ?? false,
      events: (page.events ?? []).map((sequence) => ({ sequence, method: 'TicketChanged', at: '', data: { n: sequence } })),
    };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  return asked;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function record(connection: LiveConnection) {
  const applied: number[] = [];
  connection.subscribe((event) => applied.push(event.sequence));
  return applied;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('LiveConnection', () => {
  it('applies events pushed during the catch-up after it, in order, and each once', async () => {
    const missed = deferred<Page>();
    catchUpServer({ start: { latest: 10 }, '10': missed.promise });
    const hub = new FakeHub();
    const connection = new LiveConnection('/hubs/console', hub);
    const applied = record(connection);

    const started = connection.start();
    await vi.waitFor(() => expect(hub.state).toBe(HubConnectionState.Connected));
    hub.push('TicketChanged', 13);
    hub.push('TicketChanged', 12); // also in the catch-up page
    hub.push('FeedbackChanged', 11); // likewise
    hub.push('TicketChanged', 13); // a redelivered event
    expect(applied).toEqual([]);

    missed.resolve({ latest: 12, events: [11, 12] });
    await started;
    expect(applied).toEqual([11, 12, 13]);
    expect(connection.status).toBe('connected');

    hub.push('TicketChanged', 13);
    hub.push('TicketChanged', 14);
    expect(applied).toEqual([11, 12, 13, 14]);
  });

  it('holds an event pushed as the connection opens, before the catch-up has even been asked for', async () => {
    const asked = catchUpServer({ start: { latest: 10 }, '10': { latest: 12, events: [11, 12] } });
    const hub = new FakeHub();
    hub.onStart = () => hub.push('TicketChanged', 13);
    const connection = new LiveConnection('/hubs/console', hub);
    const applied = record(connection);

    await connection.start();
    // Had 13 been applied at once, the catch-up would have asked after 13 and 11 and 12 would be lost.
    expect(asked).toEqual(['start', '10']);
    expect(applied).toEqual([11, 12, 13]);
  });

  it('after a reconnect asks for what it missed, holding what the new connection pushes meanwhile', async () => {
    const missed = deferred<Page>();
    catchUpServer({ start: { latest: 5 }, '5': { latest: 5 }, '6': missed.promise });
    const hub = new FakeHub();
    const connection = new LiveConnection('/hubs/console', hub);
    const applied = record(connection);
    await connection.start();
    hub.push('TicketChanged', 6);

    hub.reconnecting!();
    expect(connection.status).toBe('reconnecting');
    hub.push('TicketChanged', 9);
    hub.reconnected!();
    hub.push('CallRinging', 8);
    missed.resolve({ latest: 8, events: [7, 8] });
    await vi.waitFor(() => expect(connection.status).toBe('connected'));
    expect(applied).toEqual([6, 7, 8, 9]);
  });

  it('tells the page to reload when the missed events are no longer kept, then applies only newer ones', async () => {
    const missed = deferred<Page>();
    catchUpServer({ start: { latest: 3 }, '3': missed.promise });
    const hub = new FakeHub();
    const connection = new LiveConnection('/hubs/console', hub);
    const applied = record(connection);
    const resets = vi.fn();
    connection.onReset(resets);

    const started = connection.start();
    await vi.waitFor(() => expect(hub.state).toBe(HubConnectionState.Connected));
    hub.push('TicketChanged', 40);
    hub.push('TicketChanged', 41);
    missed.resolve({ latest: 40, reset: true });
    await started;
    expect(resets).toHaveBeenCalledTimes(1);
    expect(applied).toEqual([41]);
  });

  it('drops the connection when the catch-up fails, instead of applying newer events over a gap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const failing = deferred<Page>();
    catchUpServer({ start: { latest: 10 }, '10': failing.promise });
    const hub = new FakeHub();
    const connection = new LiveConnection('/hubs/console', hub);
    const applied = record(connection);

    const started = connection.start();
    await vi.waitFor(() => expect(hub.state).toBe(HubConnectionState.Connected));
    hub.push('TicketChanged', 12);
    failing.resolve(undefined as unknown as Page); // the server answers 500
    await started;
    expect(applied).toEqual([]);
    expect(hub.state).toBe(HubConnectionState.Disconnected);
    expect(connection.status).toBe('disconnected');
    await connection.stop();
  });
});
