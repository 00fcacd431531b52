/**
 * The server's presence bookkeeping for one room (COLLAB-9): one entry per connection, set only by
 * that connection (the caller passes the identity its transport vouches for), removed when the
 * server says the connection left — at once, or after an optional delay that a quick rejoin of the
 * same connection cancels, so a flaky network does not make cursors flicker.
 */
import type { PresenceData, PresenceMessage } from '../protocol/messages.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { emptySmallMap, type SmallMap, smallMapDelete, smallMapEntries, smallMapGet, smallMapHas, smallMapSet, smallMapSize } from './small-map.js';

export interface PresenceRoomOptions {
  /** To every member of the room. */
  broadcast: (message: PresenceMessage) => void;
  /** To one member. */
  sendTo: (connection: string, message: PresenceMessage) => void;
  /** Keep a departed connection's entry this long in case it comes straight back; default 0. */
  leaveDelayMs?: number;
  clock?: Clock;
}

/**
 * The state of every member whose presence is empty (`{}`: a member that announced itself and set
 * nothing, such as a viewer), shared: a parsed `{}` is 56 bytes of heap kept per member (COLLAB-39).
 * Frozen, as every state is only read.
 */
const NO_STATE: PresenceData = Object.freeze({});

function isEmpty(state: PresenceData): boolean {
  for (const _ in state) return false;
  return true;
}

/**
 * Its own read-only view of the entries (`members`, a ReadonlyMap the lobby keeps): the entries are
 * a small map (small-map.ts), replaced on change, where a Map kept a hash table per room (COLLAB-39).
 */
export class PresenceRoom implements ReadonlyMap<string, PresenceData> {
  private states: SmallMap<PresenceData> = emptySmallMap();
  /** Made on the first delayed leave: most rooms have none (and leaveDelayMs defaults to 0). */
  private leaving: Map<string, TimerHandle> | undefined;
  private readonly options: PresenceRoomOptions;
  private readonly clock: Clock;

  constructor(options: PresenceRoomOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** Entries by connection (read-only view, live: it reads the entries at each call). */
  get members(): ReadonlyMap<string, PresenceData> {
    return this;
  }

  get size(): number {
    return smallMapSize(this.states);
  }

  get(connection: string): PresenceData | undefined {
    return smallMapGet(this.states, connection);
  }

  has(connection: string): boolean {
    return smallMapHas(this.states, connection);
  }

  entries(): MapIterator<[string, PresenceData]> {
    return smallMapEntries(this.states);
  }

  keys(): MapIterator<string> {
    return new Map(this.entries()).keys();
  }

  values(): MapIterator<PresenceData> {
    return new Map(this.entries()).values();
  }

  [Symbol.iterator](): MapIterator<[string, PresenceData]> {
    return this.entries();
  }

  forEach(fn: (state: PresenceData, connection: string, map: ReadonlyMap<string, PresenceData>) => void, thisArg?: unknown): void {
    for (const [connection, state] of this.entries()) fn.call(thisArg, state, connection, this);
  }

  /** A connection entered the room (its snapshot goes with its sync step 1's answer: `snapshotTo`). */
  join(connection: string): void {
    const timer = this.leaving?.get(connection);
    if (timer !== undefined) {
      this.clock.clearTimeout(timer);
      this.leaving?.delete(connection);
    }
  }

  /** Everyone's current state, replacing all the member holds. */
  snapshotTo(connection: string): void {
    const changes = [...this.entries()].map(([c, state]) => ({ connection: c, state }));
    this.options.sendTo(connection, { type: 'presence', snapshot: true, changes });
  }

  /** `connection` sets its own state; there is no way to name another connection. */
  update(connection: string, given: PresenceData): void {
    const state = isEmpty(given) ? NO_STATE : given;
    this.states = smallMapSet(this.states, connection, state);
    this.options.broadcast({ type: 'presence', snapshot: false, changes: [{ connection, state }] });
  }

  leave(connection: string): void {
    const delay = this.options.leaveDelayMs ?? 0;
    if (delay <= 0 || !this.has(connection)) return this.remove(connection);
    const leaving = (this.leaving ??= new Map());
    if (leaving.has(connection)) return;
    leaving.set(connection, this.clock.setTimeout(() => {
      leaving.delete(connection);
      this.remove(connection);
    }, delay));
  }

  close(): void {
    for (const timer of this.leaving?.values() ?? []) this.clock.clearTimeout(timer);
    this.leaving = undefined;
    this.states = emptySmallMap();
  }

  private remove(connection: string): void {
    if (!this.has(connection)) return;
    this.states = smallMapDelete(this.states, connection);
    this.options.broadcast({ type: 'presence', snapshot: false, changes: [{ connection, left: true }] });
  }
}
