/**
 * A viewer's lobby, framework-free (LOBBY-4): the snapshot, then live changes, merged by each room's
 * version. Changes that arrive before the snapshot (they may be older or newer than it) wait for it,
 * and a copy older than what is held never replaces it. `rooms()` is the same array until something
 * changes, as `useSyncExternalStore` expects.
 */
import { Listeners } from '../core/listeners.js';
import type { LobbyChange, LobbyRoom } from './lobby-messages.js';

/** Most recent activity first, then by id, so the order is the same for every viewer. */
const byActivity = (a: LobbyRoom, b: LobbyRoom): number => b.lastActivity - a.lastActivity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class LobbyView {
  private readonly byId = new Map<string, LobbyRoom>();
  /** The newest version seen of each room, a disappearance included. */
  private readonly versions = new Map<string, number>();
  private waiting: LobbyChange[] | undefined = [];
  private list: readonly LobbyRoom[] = [];
  private readonly listeners = new Listeners<readonly LobbyRoom[]>();

  rooms(): readonly LobbyRoom[] {
    return this.list;
  }

  /** True once a snapshot is applied (and until `reset`). */
  get current(): boolean {
    return this.waiting === undefined;
  }

  subscribe(fn: (rooms: readonly LobbyRoom[]) => void): () => void {
    return this.listeners.subscribe(fn);
  }

  /** A live change from `/lobby/rooms/<id>`. */
  change(change: LobbyChange): void {
    if (this.waiting) return void this.waiting.push(change);
    if (this.apply(change)) this.publish();
  }

  /**
   * Every room the viewer may see now: replaces what was held, then applies what waited for it. A
   * room the viewer already holds newer news of keeps it (that room's copy, or its going): the node
   * that answered a watch again (a resumed session) may not have heard yet a change that the room's
   * authority already delivered here, and nothing would come to correct a copy it put back.
   */
  snapshot(rooms: readonly LobbyRoom[]): void {
    const held = new Map(this.byId);
    const heldVersions = new Map(this.versions);
    this.byId.clear();
    this.versions.clear();
    for (const room of rooms) {
      const newer = heldVersions.get(room.id) ?? -1;
      if (room.version >= newer) {
        this.byId.set(room.id, room);
        this.versions.set(room.id, room.version);
        continue;
      }
      this.versions.set(room.id, newer);
      const kept = held.get(room.id);
      if (kept) this.byId.set(room.id, kept);
    }
    for (const change of this.waiting ?? []) this.apply(change);
    this.waiting = undefined;
    this.publish();
  }

  /** A new server session: keep showing what is held, but wait for its snapshot again. */
  reset(): void {
    this.waiting = [];
  }

  /** No snapshot is coming (the watch failed): go on from what is held, with what waited. */
  resume(): void {
    for (const change of this.waiting ?? []) this.apply(change);
    this.waiting = undefined;
    this.publish();
  }

  private apply(change: LobbyChange): boolean {
    const id = change.type === 'lobby-room' ? change.room.id : change.id;
    const version = change.type === 'lobby-room' ? change.room.version : change.version;
    if (version <= (this.versions.get(id) ?? -1)) return false; // older than what is held
    this.versions.set(id, version);
    if (change.type === 'lobby-room') this.byId.set(id, change.room);
    else if (!this.byId.delete(id)) return false;
    return true;
  }

  private publish(): void {
    const next = [...this.byId.values()].sort(byActivity);
    if (next.length === this.list.length && next.every((room, i) => room === this.list[i])) return;
    this.list = next;
    this.listeners.emit(next);
  }
}
