import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { api } from '../api/http';
import type { LiveEvent } from '../api/types';

/** The client methods of the host's Hub<IConsoleClient> (src/Console/Live). */
export type LiveMethod = 'TicketChanged' | 'FeedbackChanged' | 'CallRinging' | 'MissedCallChanged';
export type LiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

type Listener = (event: LiveEvent, method: LiveMethod) => void;

interface CatchUpPage {
  latest: number;
  reset: boolean;
  more: boolean;
  events: (LiveEvent & { method: LiveMethod })[];
}

const methods: LiveMethod[] = ['TicketChanged', 'FeedbackChanged', 'CallRinging', 'MissedCallChanged'];

/** The part of @microsoft/signalr's HubConnection this class uses (tests pass a stand-in). */
export interface HubLike {
  readonly state: HubConnectionState;
  on(method: string, handler: (event: LiveEvent) => void): void;
  onreconnecting(callback: () => void): void;
  onreconnected(callback: () => void): void;
  onclose(callback: () => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke(method: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * One SignalR connection per signed-in page. Every event carries a sequence number that grows across all kinds; the connection
 * applies each event once, in order, and after connecting or reconnecting asks the host for everything after the last sequence it
 * applied (GET /api/console/events?after=), so nothing missed while offline is lost. Events pushed from the moment the
 * connection (re)opens until its catch-up is done are held back and applied after it, in order, so a newer pushed event can
 * never hide an older missed one. A catch-up that fails drops the connection: the next one asks again from the same sequence.
 */
export class LiveConnection {
  private readonly connection: HubLike;
  private readonly listeners = new Set<Listener>();
  private readonly resetListeners = new Set<() => void>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private readonly watched = new Set<string>();
  private lastSequence: number | undefined;
  private holding = false;
  private held: { method: LiveMethod; event: LiveEvent }[] = [];
  private stopped = false;
  status: LiveStatus = 'connecting';

  constructor(url = '/hubs/console', connection?: HubLike) {
    this.connection =
      connection ??
      new HubConnectionBuilder()
        .withUrl(url)
        // Keep trying for as long as the page is open: 0 s, 2 s, 5 s, then every 10 s.
        .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => [0, 2000, 5000][ctx.previousRetryCount] ?? 10000 })
        .configureLogging(LogLevel.Warning)
        .build();
    for (const method of methods) {
      this.connection.on(method, (event: LiveEvent) => this.receive(method, event));
    }
    this.connection.onreconnecting(() => {
      // Whatever the new connection pushes before its catch-up is done waits for the catch-up.
      this.holding = true;
      this.setStatus('reconnecting');
    });
    this.connection.onreconnected(async () => {
      try {
        await this.rejoinWatches();
        await this.catchUp();
        this.setStatus('connected');
      } catch {
        await this.dropAfterFailedCatchUp();
      }
    });
    this.connection.onclose(() => {
      this.setStatus('disconnected');
      if (!this.stopped) window.setTimeout(() => void this.start(), 10000);
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus(this.lastSequence === undefined ? 'connecting' : 'reconnecting');
    try {
      if (this.lastSequence === undefined) {
        // A new page starts from the latest event: what it loads from the API already includes everything before.
        const start = await api.get<CatchUpPage>('/api/console/events');
        this.lastSequence = start.latest;
      }
      this.holding = true;
      await this.connection.start();
      await this.rejoinWatches();
      await this.catchUp();
      this.setStatus('connected');
    } catch {
      if (this.connection.state !== HubConnectionState.Disconnected) {
        await this.dropAfterFailedCatchUp(); // onclose schedules the next attempt
        return;
      }
      this.releaseHeld(false);
      this.setStatus('disconnected');
      if (!this.stopped) window.setTimeout(() => void this.start(), 5000);
    }
  }

  /**
   * The connection is open but what it missed could not be fetched: applying newer events now would skip the missed ones for
   * good, so the held events are dropped (the host keeps them for the next catch-up) and the connection is closed and opened anew.
   */
  private async dropAfterFailedCatchUp() {
    this.releaseHeld(false);
    this.setStatus('disconnected');
    await this.connection.stop().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the host no longer keeps the events a page missed: the page must reload its data. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Receive every event of one ticket (the host checks the reader may see it). */
  async watchTicket(ticketId: string): Promise<void> {
    this.watched.add(ticketId);
    if (this.connection.state === HubConnectionState.Connected) {
      await this.connection.invoke('WatchTicket', ticketId);
    }
  }

  async unwatchTicket(ticketId: string): Promise<void> {
    this.watched.delete(ticketId);
    if (this.connection.state === HubConnectionState.Connected) {
      await this.connection.invoke('UnwatchTicket', ticketId).catch(() => undefined);
    }
  }

  private async rejoinWatches() {
    for (const id of this.watched) {
      await this.connection.invoke('WatchTicket', id).catch(() => this.watched.delete(id));
    }
  }

  private receive(method: LiveMethod, event: LiveEvent) {
    if (this.holding) {
      this.held.push({ method, event });
      return;
    }
    this.apply(method, event);
  }

  private apply(method: LiveMethod, event: LiveEvent) {
    // An event can arrive twice (a redelivered outbox message is pushed again under the same sequence): apply it once.
    if (this.lastSequence !== undefined && event.sequence <= this.lastSequence) return;
    this.lastSequence = event.sequence;
    for (const listener of this.listeners) listener(event, method);
  }

  /** Fetches what was missed after the last applied sequence, then applies the events held meanwhile. Throws on failure. */
  private async catchUp() {
    this.holding = true;
    if (this.lastSequence !== undefined) {
      for (;;) {
        const tickets = [...this.watched].map((id) => `&ticket=${encodeURIComponent(id)}`).join('');
        const page = await api.get<CatchUpPage>(`/api/console/events?after=${this.lastSequence}${tickets}`);
        if (page.reset) {
          this.lastSequence = page.latest;
          for (const listener of this.resetListeners) listener();
          break;
        }
        for (const event of page.events) this.apply(event.method, event);
        if (!page.more) break;
      }
    }
    this.releaseHeld(true);
  }

  private releaseHeld(apply: boolean) {
    this.holding = false;
    const held = this.held.sort((a, b) => a.event.sequence - b.event.sequence);
    this.held = [];
    if (apply) for (const { method, event } of held) this.apply(method, event);
  }

  private setStatus(status: LiveStatus) {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
