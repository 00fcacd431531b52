/**
 * One room's lobby entry, kept by the room's authority (LOBBY-2, LOBBY-3): who is present (from the
 * room's presence entries), the last chat message, and when something last happened. Pure: the
 * server adapter feeds it presence and chat and publishes what it returns.
 *
 * Only changes a lobby shows produce a change: a cursor moving 20 times a second changes a presence
 * entry but not the member list, so it costs the lobby nothing.
 */
import { emptySmallMap, type SmallMap, smallMapEntries, smallMapGet, smallMapSet, smallMapSize } from '../core/small-map.js';
import type { PresenceData } from '../protocol/messages.js';
import type { LobbyChange, LobbyMember, LobbyMessage, LobbyRoom } from './lobby-messages.js';

const nameOf = (state: PresenceData): string | undefined => (typeof state['name'] === 'string' ? state['name'] : undefined);

type ChatEvent = { event: 'message' | 'edit' | 'delete'; serial: number; message: LobbyMessage };

export class RoomActivity {
  private counter = 0;
  /**
   * Each present connection's member as last shown, in the order shown: its opaque lobby id (a
   * session's clientId is a credential, never shown) and its name. A small map (core/small-map.ts:
   * a flat array for a room's one or two members, where a Map kept a hash table), replaced whole,
   * never changed in place; the members' list is made from it when a viewer needs it (COLLAB-39).
   */
  private shown: SmallMap<LobbyMember> = emptySmallMap();
  private last: { serial: number; message: LobbyMessage } | undefined;
  private lastActivity: number;
  private version = 0;
  private listed = false;

  constructor(
    readonly room: string,
    private readonly now: () => number,
  ) {
    this.lastActivity = now();
  }

  /** The room as a viewer sees it, while it has members present. */
  current(): LobbyRoom | undefined {
    if (!this.listed) return undefined;
    // Just as long as it needs (the lobby keeps it while the room is listed: a pushed array has room for 17).
    const members = new Array<LobbyMember>(smallMapSize(this.shown));
    let at = 0;
    for (const [, member] of smallMapEntries(this.shown)) members[at++] = member;
    const room = { id: this.room, members, count: members.length, lastActivity: this.lastActivity, version: this.version };
    return this.last ? { ...room, lastMessage: { ...this.last.message, serial: this.last.serial } } : room;
  }

  /** The room's presence entries after a change; the lobby change to send, if its view changed. */
  presence(entries: ReadonlyMap<string, PresenceData>): LobbyChange | undefined {
    if (this.same(entries)) return undefined; // the common case: a cursor or selection moved
    // A connection keeps its id while present; one that left is forgotten (a new Map, not edited).
    let shown = emptySmallMap<LobbyMember>();
    for (const [connection, state] of entries) {
      const id = smallMapGet(this.shown, connection)?.id ?? `m${++this.counter}`;
      const name = nameOf(state);
      shown = smallMapSet(shown, connection, name === undefined ? { id } : { id, name });
    }
    this.shown = shown;
    this.touch();
    // [LOBBY-3] The last member gone: the room disappears from the lobby.
    if (smallMapSize(shown) === 0) return this.close();
    this.listed = true;
    return { type: 'lobby-room', room: this.current()! };
  }

  /** A chat event of the room: a new last message, or an edit or delete of the last one. */
  chat({ event, serial, message }: ChatEvent): LobbyChange | undefined {
    // Serials grow per room; nodes may publish two sends out of order, so the highest one is the last.
    if (event === 'message') {
      if (this.last && this.last.serial > serial) return undefined;
      this.last = { serial, message };
    } else if (this.last?.serial !== serial) return undefined; // an older message: not the lobby's
    else if (event === 'edit') this.last = { serial, message: { ...this.last.message, text: message.text } };
    else this.last = undefined;
    this.touch();
    const room = this.current();
    return room && { type: 'lobby-room', room };
  }

  /**
   * The room's newest stored message, read when it opened: it becomes the last message unless a newer
   * one arrived meanwhile. Not activity: `lastActivity` stays.
   */
  restore(serial: number, message: LobbyMessage): LobbyChange | undefined {
    if (this.last && this.last.serial >= serial) return undefined;
    this.last = { serial, message };
    this.version = Math.max(this.version + 1, this.now());
    const room = this.current();
    return room && { type: 'lobby-room', room };
  }

  /** The room closed or emptied: a viewer that listed it is told it is gone. */
  close(): LobbyChange | undefined {
    if (!this.listed) return undefined;
    this.listed = false;
    this.version = Math.max(this.version + 1, this.now());
    return { type: 'lobby-gone', id: this.room, version: this.version };
  }

  private same(entries: ReadonlyMap<string, PresenceData>): boolean {
    if (entries.size !== smallMapSize(this.shown)) return false;
    for (const [connection, state] of entries) {
      const member = smallMapGet(this.shown, connection);
      if (!member || member.name !== nameOf(state)) return false;
    }
    return true;
  }

  private touch(): void {
    this.lastActivity = this.now();
    // Starting from the clock keeps versions growing when a room reopens, even on another node.
    this.version = Math.max(this.version + 1, this.lastActivity);
  }
}
