/**
 * The lobby's values and wire (issue 12, LOBBY-1…): one `LobbyRoom` per room with members present,
 * sent to each viewer on `/lobby/rooms/<id>`, and the snapshot a viewer gets from `/service/lobby`.
 * Every message read from the wire is validated into an error value, never trusted as typed.
 */
import { isValidRoomId } from '../protocol/channels.js';
import { fail, ok, type Result } from '../protocol/errors.js';

/** A connection present in a room; `id` is opaque (never the session's clientId, a credential). */
export interface LobbyMember {
  readonly id: string;
  /** The `name` field of the member's presence, when it is a string. */
  readonly name?: string;
}

export interface LobbyMessage {
  readonly text: string;
  readonly author: { readonly id: string; readonly name?: string };
  /** ms since the epoch, server clock. */
  readonly sentAt: number;
  /** [LOBBY-7] Its serial in the room's chat (CHAT-4): a viewer whose read position is below it has news. */
  readonly serial?: number;
}

export interface LobbyRoom {
  readonly id: string;
  readonly members: readonly LobbyMember[];
  readonly count: number;
  readonly lastMessage?: LobbyMessage;
  /** ms since the epoch, server clock: the last join, leave, rename or chat message. */
  readonly lastActivity: number;
  /** Grows with every change of this room, so a stale copy never replaces a newer one. */
  readonly version: number;
}

/** On `/lobby/rooms/<id>`: the room as it is now, or its disappearance (its last member left). */
export type LobbyChange =
  | { readonly type: 'lobby-room'; readonly room: LobbyRoom }
  | { readonly type: 'lobby-gone'; readonly id: string; readonly version: number };

/** The reply of `/service/lobby` to `watch`: every room the viewer may see, now. */
export interface LobbySnapshot {
  readonly type: 'lobby-snapshot';
  readonly rooms: readonly LobbyRoom[];
}

/** Viewer → server on `/service/lobby`; [LOBBY-7] `reads` asks the viewer's read positions in `rooms`. */
export type LobbyRequest = { readonly v: 1; readonly type: 'watch' | 'unwatch' } | { readonly v: 1; readonly type: 'reads'; readonly rooms: readonly string[] };

/**
 * [LOBBY-7] The reply to `reads`: who the viewer is in the rooms' chats (`me`, its author id) and
 * its read position in each room asked that it may see (0: nothing read).
 */
export interface LobbyReads {
  readonly me: string;
  readonly reads: Readonly<Record<string, number>>;
  /** [LOBBY-8] The viewer's name in the rooms' chats, when it has one: what `@name` mentions. */
  readonly name?: string;
  /** [LOBBY-8] Per room with any: how many unread messages from others mention the viewer (among the newest 100). */
  readonly mentions?: Readonly<Record<string, number>>;
}

/** [LOBBY-8] How many of a room's newest messages a `reads` request looks through for mentions. */
export const MENTION_SCAN = 100;

/** The most rooms one `reads` request may ask about. */
export const MAX_READS_ROOMS = 200;

export const LOBBY_PREFIX = '/lobby';
/** What a viewer subscribes to: one segment per room. */
export const LOBBY_ROOMS = '/lobby/rooms/*';
export const LOBBY_SERVICE = '/service/lobby';
export const lobbyRoomChannel = (room: string): string => `/lobby/rooms/${room}`;

/** The room of a lobby channel (`/lobby/rooms/<id>`), else undefined. */
export function roomOfLobbyChannel(channel: string): string | undefined {
  const m = /^\/lobby\/rooms\/([^/]+)$/.exec(channel);
  return m && isValidRoomId(m[1]) ? m[1] : undefined;
}

export const toLobbyWire = <T extends LobbyChange | LobbySnapshot>(message: T): T & { v: 1 } => ({ v: 1, ...message });

type Fields = Record<string, unknown>;
const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const optionalString = (x: unknown): boolean => x === undefined || typeof x === 'string';

function readAuthor(x: unknown): LobbyMessage['author'] | undefined {
  if (!isObject(x) || typeof x['id'] !== 'string' || !optionalString(x['name'])) return undefined;
  return x['name'] === undefined ? { id: x['id'] } : { id: x['id'], name: x['name'] as string };
}

function readRoom(x: unknown): LobbyRoom | undefined {
  if (!isObject(x) || !isValidRoomId(x['id']) || !Array.isArray(x['members']) || !isTime(x['lastActivity']) || !isTime(x['version'])) return undefined;
  const read = x['members'] as unknown[];
  if (!read.every((m) => isObject(m) && typeof m['id'] === 'string' && optionalString(m['name']))) return undefined;
  // Every node keeps each listed room: members that are just that (`id`, and `name` if set) are
  // kept as read, the authority's own on its node (its feed message is not copied there), else
  // copied, with map, not push (a pushed array has room for 17, ~120 bytes more).
  const exact = (read as Fields[]).every((m) => Object.keys(m).length === (m['name'] === undefined ? 1 : 2));
  const members = exact ? (read as LobbyMember[]) : (read as Fields[]).map((m): LobbyMember => (m['name'] === undefined ? { id: m['id'] as string } : { id: m['id'] as string, name: m['name'] as string }));
  if (x['count'] !== members.length) return undefined;
  const base = { id: x['id'], members, count: members.length, lastActivity: x['lastActivity'], version: x['version'] };
  if (x['lastMessage'] === undefined) return base;
  const last = x['lastMessage'];
  const author = isObject(last) ? readAuthor(last['author']) : undefined;
  if (!isObject(last) || typeof last['text'] !== 'string' || !author || !isTime(last['sentAt'])) return undefined;
  const serial = last['serial'];
  if (serial !== undefined && !(Number.isSafeInteger(serial) && (serial as number) > 0)) return undefined;
  return { ...base, lastMessage: { text: last['text'], author, sentAt: last['sentAt'], ...(serial === undefined ? {} : { serial: serial as number }) } };
}

/** A message from `/lobby/rooms/<id>` or the reply of `/service/lobby`, validated. */
export function parseLobbyMessage(data: unknown): Result<LobbyChange | LobbySnapshot> {
  if (!isObject(data) || data['v'] !== 1) return fail('message_invalid', 'a lobby message is an object with v: 1');
  switch (data['type']) {
    case 'lobby-room': {
      const room = readRoom(data['room']);
      return room ? ok({ type: 'lobby-room', room }) : fail('message_invalid', 'a lobby room has an id, members, count, lastActivity and version');
    }
    case 'lobby-gone':
      return isValidRoomId(data['id']) && isTime(data['version'])
        ? ok({ type: 'lobby-gone', id: data['id'], version: data['version'] })
        : fail('message_invalid', 'a lobby-gone names a room and a version');
    case 'lobby-snapshot': {
      const rooms = Array.isArray(data['rooms']) ? (data['rooms'] as unknown[]).map(readRoom) : undefined;
      return rooms && rooms.every((r) => r !== undefined)
        ? ok({ type: 'lobby-snapshot', rooms: rooms as LobbyRoom[] })
        : fail('message_invalid', 'a lobby snapshot is a list of rooms');
    }
    default:
      return fail('message_invalid', `unknown lobby message type ${JSON.stringify(data['type'])}`);
  }
}

/** A viewer's request, validated; anything else is refused. */
export function parseLobbyRequest(data: unknown): Result<LobbyRequest> {
  if (isObject(data) && data['v'] === 1 && (data['type'] === 'watch' || data['type'] === 'unwatch')) return ok({ v: 1, type: data['type'] });
  const rooms = isObject(data) ? data['rooms'] : undefined;
  if (isObject(data) && data['v'] === 1 && data['type'] === 'reads' && Array.isArray(rooms) && rooms.length <= MAX_READS_ROOMS && rooms.every(isValidRoomId)) {
    return ok({ v: 1, type: 'reads', rooms: rooms as string[] });
  }
  return fail('message_invalid', `a lobby request is { v: 1, type: "watch" | "unwatch" } or { v: 1, type: "reads", rooms: [at most ${MAX_READS_ROOMS} room ids] }`);
}

/** [LOBBY-7] The reply to `reads`, validated. */
export function parseLobbyReads(data: unknown): Result<LobbyReads> {
  const reads = isObject(data) ? data['reads'] : undefined;
  if (!isObject(data) || data['v'] !== 1 || data['type'] !== 'lobby-reads' || typeof data['me'] !== 'string' || !isObject(reads)) return fail('message_invalid', 'a lobby-reads reply has me and reads');
  const counts = (record: Record<string, unknown>): boolean => Object.entries(record).every(([room, n]) => isValidRoomId(room) && Number.isSafeInteger(n) && (n as number) >= 0);
  if (!counts(reads)) return fail('message_invalid', 'a read position is a whole number per room');
  // [LOBBY-8] Both optional: a server from before mentions sends neither.
  const name = data['name'];
  const mentions = data['mentions'];
  if (name !== undefined && typeof name !== 'string') return fail('message_invalid', 'a lobby-reads name is a string');
  if (mentions !== undefined && !(isObject(mentions) && counts(mentions))) return fail('message_invalid', 'mentions are a whole number per room');
  return ok({
    me: data['me'],
    reads: { ...reads } as Record<string, number>,
    ...(name === undefined ? {} : { name }),
    ...(mentions === undefined ? {} : { mentions: { ...mentions } as Record<string, number> }),
  });
}

/**
 * What the lobby keeps of a chat event on `/rooms/<id>/chat` (the chat wire: `{ v: 1, type: 'chat',
 * event, message: { serial, author, text, sentAt, … } }`); undefined for anything else (typing…).
 */
export function readChatEvent(data: unknown): { event: 'message' | 'edit' | 'delete'; serial: number; message: LobbyMessage } | undefined {
  if (!isObject(data) || data['v'] !== 1 || data['type'] !== 'chat' || !isObject(data['message'])) return undefined;
  const event = data['event'];
  const m = data['message'];
  const author = readAuthor(m['author']);
  if ((event !== 'message' && event !== 'edit' && event !== 'delete') || typeof m['serial'] !== 'number' || typeof m['text'] !== 'string' || !author || !isTime(m['sentAt'])) return undefined;
  return { event, serial: m['serial'], message: { text: m['text'], author, sentAt: m['sentAt'] } };
}
