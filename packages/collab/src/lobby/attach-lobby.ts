/**
 * The lobby on a Kuiper server (LOBBY-1…6). `attachCollab` calls it when a room opens or closes on
 * this node and when the room's presence changes; it also reads each room's chat from
 * `/rooms/<id>/chat`. Activity goes out from the room's authority on the internal feed
 * `/kuiper-collab/lobby/rooms/<id>` (published through the engine, so every node hears it and keeps
 * the same list). Each watch is announced to every node: the room's authority hands each change to
 * every viewer, wherever it watched (and after that node died), and the node a viewer watched through
 * hands it the changes too, covering those published before the announcement reached the authority
 * (a viewer ignores a copy it already holds, by version).
 *
 * Viewers are sent changes with `deliver`, never by publishing on `/lobby/**`: each viewer gets only
 * the rooms the rooms' `authorize` admits it to, and subscribing to a lobby channel yourself brings
 * nothing that was not meant for you.
 */
import { bayeuxError, type KuiperServer, type SessionInfo } from '@kuiper/server';
import { roomChannels, roomOfChannel } from '../protocol/channels.js';
import type { PresenceData } from '../protocol/messages.js';
import type { ChatStore } from '../core/store.js';
import type { ChatAuthor } from '../chat/types.js';
import { chatAuthor } from '../chat/chat-service.js';
import { mentionsOf } from '../chat/mention-pattern.js';
import {
  LOBBY_PREFIX,
  LOBBY_ROOMS,
  LOBBY_SERVICE,
  lobbyRoomChannel,
  MENTION_SCAN,
  parseLobbyMessage,
  parseLobbyRequest,
  readChatEvent,
  roomOfLobbyChannel,
  toLobbyWire,
  type LobbyChange,
  type LobbyRoom,
} from './lobby-messages.js';
import { RoomActivity } from './room-activity.js';
import { LobbyViewers, readViewerNotice, type ViewerNotice } from './lobby-viewers.js';

export interface LobbyOptions {
  /** The rooms' authorize hook: a viewer sees a room only if it returns (a throw hides the room). */
  authorize: (room: string, session: SessionInfo) => unknown;
  onError: (error: Error) => void;
  /** The rooms' chat store: a room that opens shows its newest stored message; [LOBBY-7] read positions. */
  chat?: Pick<ChatStore, 'chatPage' | 'chatRead'>;
  /** The server clock (ms since the epoch); default `Date.now`. */
  now?: () => number;
}

/** What `attachCollab` tells the lobby about the rooms this node is the authority of. */
export interface LobbyFeed {
  opened(room: string, entries: ReadonlyMap<string, PresenceData>): void;
  /** The room's presence entries may have changed. */
  changed(room: string): void;
  closed(room: string): void;
  detach(): void;
}

/** Under `/kuiper-collab/**`, which no client may publish or subscribe to (COLLAB-28). */
const FEED = '/kuiper-collab/lobby/rooms';
const HELLO = '/kuiper-collab/lobby/hello';
const VIEWERS = '/kuiper-collab/lobby/viewers';

const versionOf = (change: LobbyChange): number => (change.type === 'lobby-room' ? change.room.version : change.version);
const idOf = (change: LobbyChange): string => (change.type === 'lobby-room' ? change.room.id : change.id);

export function attachLobby(kuiper: KuiperServer, options: LobbyOptions): LobbyFeed {
  const { authorize, onError: report, now = Date.now } = options;
  /** Rooms this node is the authority of, with their presence entries. */
  const hosted = new Map<string, { activity: RoomActivity; entries: ReadonlyMap<string, PresenceData>; off: () => void }>();
  /** Every listed room, whichever node hosts it: what a snapshot is made of. */
  const listed = new Map<string, LobbyRoom>();
  /** Newest version seen per room, a disappearance included. */
  const versions = new Map<string, number>();
  const viewers = new LobbyViewers(authorize);
  /** The version of each room change this node published as its authority, until it is heard back. */
  const authored = new Map<string, number>();

  const send = (change: LobbyChange | undefined): void => {
    if (!change) return;
    authored.set(idOf(change), versionOf(change));
    void kuiper.publish(`${FEED}/${idOf(change)}`, toLobbyWire(change)).catch(report);
  };
  /** One listener for the chat channel of every room this node hosts, not a closure per room. */
  const onChat = (message: { channel: string; data?: unknown }): void => {
    const room = roomOfChannel(message.channel);
    const host = room === undefined ? undefined : hosted.get(room);
    const event = host && readChatEvent(message.data);
    if (host && event) send(host.activity.chat(event));
  };
  const announce = (notice: ViewerNotice): void => void kuiper.publish(VIEWERS, notice).catch(report);

  // [LOBBY-2] Every node keeps the list from the feed and passes each change to its viewers.
  const heard = (data: unknown): void => {
    const read = parseLobbyMessage(data);
    if (!read.ok || read.value.type === 'lobby-snapshot') return report(new Error(`lobby: an unreadable feed message: ${read.ok ? 'a snapshot' : read.error.message}`));
    const mine = authored.get(idOf(read.value)) === versionOf(read.value);
    if (mine) authored.delete(idOf(read.value));
    apply(read.value, data, !mine);
  };
  /** Keeps the change; hands it to every viewer (the authority's) or to this node's own viewers. */
  const apply = (change: LobbyChange, data: unknown, onlyLocal: boolean): void => {
    const id = idOf(change);
    if (versionOf(change) <= (versions.get(id) ?? -1)) return;
    versions.set(id, versionOf(change));
    if (change.type === 'lobby-room') listed.set(id, change.room);
    else listed.delete(id);
    for (const { clientId } of viewers.sessions(onlyLocal)) {
      void viewers
        .visible(clientId, id)
        .then((yes) => yes && kuiper.deliver(clientId, lobbyRoomChannel(id), data))
        .catch(report);
    }
  };

  const snapshot = async (session: SessionInfo): Promise<unknown> => {
    // Registered first: a change from now on is delivered, and the viewer merges it by version.
    viewers.watch(session, true);
    announce({ v: 1, watch: { clientId: session.clientId, data: session.data ?? null } });
    const rooms = [...listed.values()];
    const shown = await Promise.all(rooms.map((room) => viewers.visible(session.clientId, room.id)));
    return toLobbyWire({ type: 'lobby-snapshot', rooms: rooms.filter((_, i) => shown[i]) });
  };
  // [LOBBY-7] The viewer's read positions, each under the author the room's chat knows it as (CHAT-2).
  const reads = async (session: SessionInfo, rooms: readonly string[]): Promise<unknown> => {
    const positions: Record<string, number> = {};
    const mentioned: Record<string, number> = {};
    let me = chatAuthor(undefined, session.data, session.clientId);
    await Promise.all(
      [...new Set(rooms)].map(async (room) => {
        let grant: unknown;
        try {
          grant = await authorize(room, session);
        } catch {
          return; // [LOBBY-5] a room the viewer may not see says nothing
        }
        const author = chatAuthor((grant as { user?: ChatAuthor } | undefined)?.user, session.data, session.clientId);
        me = author;
        const read = (await options.chat?.chatRead(room, author.id)) ?? 0;
        positions[room] = read;
        const count = await unreadMentions(room, author, read);
        if (count > 0) mentioned[room] = count;
      }),
    );
    return { v: 1, type: 'lobby-reads', me: me.id, reads: positions, ...(me.name === undefined ? {} : { name: me.name }), mentions: mentioned };
  };
  // [LOBBY-8] Read only for a room with news (its last message is newer than the viewer's position).
  const unreadMentions = async (room: string, author: ChatAuthor, read: number): Promise<number> => {
    const last = listed.get(room)?.lastMessage;
    if (!options.chat || author.name === undefined || last?.serial === undefined || last.serial <= read) return 0;
    const names = mentionsOf(author.name);
    const page = await options.chat.chatPage(room, { limit: MENTION_SCAN });
    return page.messages.filter((m) => m.serial > read && !m.deleted && m.author.id !== author.id && names(m.text)).length;
  };
  const unwatch = (clientId: string): void => {
    viewers.unwatch(clientId);
    announce({ v: 1, unwatch: clientId });
  };

  const offs = [
    kuiper.subscribe(`${FEED}/*`, (message) => heard(message.data)),
    // [LOBBY-6] Watches through any node, so an authority reaches every viewer.
    kuiper.subscribe(VIEWERS, (message) => {
      const notice = readViewerNotice(message.data);
      if (notice && 'watch' in notice) viewers.watch(notice.watch, false);
      else if (notice) viewers.unwatch(notice.unwatch);
    }),
    // A node that starts late asks for the rooms (each authority answers on the feed) and the viewers.
    kuiper.subscribe(HELLO, () => {
      for (const { activity } of hosted.values()) {
        const room = activity.current();
        if (room) send({ type: 'lobby-room', room });
      }
      for (const session of viewers.sessions(false)) announce({ v: 1, watch: session });
    }),
    kuiper.addService(LOBBY_SERVICE, (data, ctx) => {
      const request = parseLobbyRequest(data);
      if (!request.ok) throw bayeuxError('message_invalid', LOBBY_SERVICE);
      if (request.value.type === 'watch') return snapshot(ctx.session);
      if (request.value.type === 'reads') return reads(ctx.session, request.value.rooms);
      unwatch(ctx.session.clientId);
      return undefined;
    }),
    // [LOBBY-5] Clients read the lobby and never write it; a room's channel only for an admitted viewer.
    kuiper.authorize(`${LOBBY_PREFIX}/**`, async (operation, channel, session) => {
      if (operation === 'publish') return { deny: 'lobby_read_only' };
      const room = roomOfLobbyChannel(channel);
      return room === undefined || (await viewers.admits(room, session)) ? 'grant' : { deny: 'lobby_forbidden' };
    }),
    kuiper.onSessionRemoved(({ clientId }) => viewers.unwatch(clientId)), // heard on every node
    // [LOBBY-3] Every node hears a room's document channel emptied: a room whose authority died with
    // its members (no one left to take it over, COLLAB-30) leaves every node's list too.
    kuiper.onChannelVacated('/rooms/**', async ({ channel }) => {
      const room = roomOfChannel(channel);
      if (room === undefined || channel !== roomChannels(room).doc || hosted.has(room)) return; // an authority says so itself
      if ((await kuiper.subscribers(channel)).length > 0) return; // occupied again meanwhile
      const held = listed.get(room);
      const change: LobbyChange | undefined = held && { type: 'lobby-gone', id: room, version: held.version + 1 };
      if (change) apply(change, toLobbyWire(change), false); // no authority left to tell them
    }),
    kuiper.on('subscription:removed', ({ clientId, channel }) => {
      if (channel === LOBBY_ROOMS) unwatch(clientId);
    }),
  ];
  void kuiper
    .ready()
    .then(() => kuiper.publish(HELLO, { v: 1 }))
    .catch(report);

  return {
    opened(room, entries) {
      const activity = new RoomActivity(room, now);
      // [LOBBY-3] Chat is published on the room's channel by whichever node; the authority listens to
      // its own rooms only (a `/rooms/**` listener would bring every room's traffic to every node).
      const off = kuiper.subscribe(roomChannels(room).chat, onChat);
      hosted.set(room, { activity, entries, off });
      send(activity.presence(entries));
      void options.chat
        ?.chatPage(room, { limit: 1 })
        .then(({ messages: [newest] }) => {
          if (newest && !newest.deleted && hosted.get(room)?.activity === activity) {
            send(activity.restore(newest.serial, { text: newest.text, author: newest.author, sentAt: newest.sentAt }));
          }
        })
        .catch(report);
    },
    changed(room) {
      const host = hosted.get(room);
      if (host) send(host.activity.presence(host.entries));
    },
    closed(room) {
      const host = hosted.get(room);
      hosted.delete(room);
      host?.off();
      send(host?.activity.close());
    },
    detach() {
      offs.forEach((off) => off());
      hosted.forEach((host) => host.off());
      hosted.clear();
      viewers.clear();
    },
  };
}
