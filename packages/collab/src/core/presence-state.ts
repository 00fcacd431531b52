/**
 * The member's view of presence (COLLAB-8): its own state, sent throttled with the latest state
 * winning (a cursor position in between is worth dropping), and one entry per other connection as
 * the server reports them. Others' entries are only ever changed by the server's messages.
 */
import type { PresenceChange, PresenceData, PresenceMessage, PresenceSet } from '../protocol/messages.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { Listeners } from './listeners.js';

export interface PresenceEntry {
  readonly connection: string;
  readonly state: PresenceData;
}

export type PresenceEvent =
  | { readonly type: 'join' | 'update'; readonly connection: string; readonly state: PresenceData }
  | { readonly type: 'leave'; readonly connection: string };

export interface PresenceStateOptions {
  send: (message: PresenceSet) => void;
  initial?: PresenceData;
  /** At most one presence message per this many ms; default 50 (20 Hz cursors). */
  throttleMs?: number;
  clock?: Clock;
}

export class PresenceState {
  private own: PresenceData;
  private readonly entries = new Map<string, PresenceData>();
  private othersCache: readonly PresenceEntry[] = [];
  private readonly listeners = new Listeners<PresenceEvent>();
  private readonly send: (message: PresenceSet) => void;
  private readonly throttleMs: number;
  private readonly clock: Clock;
  private self: string | undefined;
  private online = false;
  private lastSent = -Infinity;
  private timer: TimerHandle | undefined;

  constructor(options: PresenceStateOptions) {
    this.send = options.send;
    this.own = { ...(options.initial ?? {}) };
    this.throttleMs = options.throttleMs ?? 50;
    this.clock = options.clock ?? systemClock;
  }

  /** This connection's id in the room, once the server said it (undefined before). */
  get connection(): string | undefined {
    return this.self;
  }

  /** This connection's own state. */
  get(): PresenceData {
    return this.own;
  }

  /** Merges `patch` into this connection's state and sends it (throttled, latest wins). */
  set(patch: PresenceData): void {
    this.own = { ...this.own, ...patch };
    this.schedule();
  }

  /** Every other connection's entry; the same array until something changes (cheap to compare). */
  others(): readonly PresenceEntry[] {
    return this.othersCache;
  }

  subscribe(fn: (event: PresenceEvent) => void): () => void {
    return this.listeners.subscribe(fn);
  }

  /** The server told us who we are: our own entry is not one of the others. */
  setConnection(connection: string): void {
    this.self = connection;
    if (this.entries.delete(connection)) this.rebuild();
  }

  connected(): void {
    this.online = true;
    this.sendNow();
  }

  /** Offline, nobody is known to be here; the server's snapshot repopulates on reconnect. */
  disconnected(): void {
    this.online = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const gone = [...this.entries.keys()];
    this.entries.clear();
    this.rebuild();
    for (const connection of gone) this.listeners.emit({ type: 'leave', connection });
  }

  receive(message: PresenceMessage): void {
    const events: PresenceEvent[] = [];
    if (message.snapshot) {
      const present = new Set(message.changes.map((c) => c.connection));
      for (const connection of this.entries.keys()) {
        if (!present.has(connection)) {
          this.entries.delete(connection);
          events.push({ type: 'leave', connection });
        }
      }
    }
    for (const change of message.changes) this.apply(change, events);
    if (events.length === 0) return;
    this.rebuild();
    for (const event of events) this.listeners.emit(event);
  }

  destroy(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private apply(change: PresenceChange, events: PresenceEvent[]): void {
    const { connection } = change;
    if (connection === this.self) return;
    if ('left' in change) {
      if (this.entries.delete(connection)) events.push({ type: 'leave', connection });
      return;
    }
    const type = this.entries.has(connection) ? 'update' : 'join';
    this.entries.set(connection, change.state);
    events.push({ type, connection, state: change.state });
  }

  private rebuild(): void {
    this.othersCache = [...this.entries].map(([connection, state]) => ({ connection, state }));
  }

  private schedule(): void {
    if (!this.online || this.timer !== undefined) return; // a pending send will carry the latest state
    const wait = this.lastSent + this.throttleMs - this.clock.now();
    if (wait <= 0) this.sendNow();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.sendNow();
    }, wait);
  }

  private sendNow(): void {
    if (!this.online) return;
    this.lastSent = this.clock.now();
    this.send({ type: 'presence-set', state: this.own });
  }
}
