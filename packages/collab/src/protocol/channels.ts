/**
 * The channel layout of a room (COLLAB-1). Part 1 uses the document, sync and presence channels;
 * chat, events and the lobby are reserved here so part 2 adds them without renaming anything.
 */

/** Room ids are one channel segment of URL-safe characters, so a room never spans channels. */
const ROOM_ID = /^[A-Za-z0-9_.~-]{1,128}$/;

export function isValidRoomId(room: unknown): room is string {
  return typeof room === 'string' && ROOM_ID.test(room);
}

export interface RoomChannels {
  /** Server → members: every stored update, with the connection it came from. */
  readonly doc: string;
  /** Member → server: sync step 1, incremental updates (answered with sync step 2, ack or error). */
  readonly sync: string;
  /** Server → members: presence joins, updates and leaves. */
  readonly presence: string;
  /** Member → server: this connection's own presence state. */
  readonly presenceSet: string;
  /** Reserved for part 2. */
  readonly chat: string;
  /** Reserved for part 2. */
  readonly events: string;
}

export function roomChannels(room: string): RoomChannels {
  if (!isValidRoomId(room)) throw new TypeError(`invalid room id ${JSON.stringify(room)}: 1-128 of A-Z a-z 0-9 _ . ~ -`);
  return {
    doc: `/rooms/${room}/doc`,
    sync: `/service/rooms/${room}/sync`,
    presence: `/rooms/${room}/presence`,
    presenceSet: `/service/rooms/${room}/presence`,
    chat: `/rooms/${room}/chat`,
    events: `/rooms/${room}/events`,
  };
}

/** Reserved for part 2: lobby activity across rooms. */
export const LOBBY_CHANNELS = '/lobby/**';

/** The room a collab channel belongs to, or undefined for any other channel. */
export function roomOfChannel(channel: string): string | undefined {
  const m = /^(?:\/service)?\/rooms\/([^/]+)\/(?:doc|sync|presence|chat|events)$/.exec(channel);
  return m && isValidRoomId(m[1]) ? m[1] : undefined;
}
