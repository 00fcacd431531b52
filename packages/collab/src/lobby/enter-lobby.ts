/**
 * A lobby viewer over a Kuiper client (LOBBY-4): subscribe to `/lobby/rooms/*`, then ask
 * `/service/lobby` to `watch` — its reply is the snapshot, and the server then sends this session
 * each change of a room it may see. Framework-free; the React hook wraps `rooms` and `subscribe`.
 */
import { Listeners } from '../core/listeners.js';
import { collabError, describeThrown, type CollabError, type Result } from '../protocol/errors.js';
import { LOBBY_ROOMS, LOBBY_SERVICE, MAX_READS_ROOMS, parseLobbyMessage, parseLobbyReads, type LobbyReads, type LobbyRequest, type LobbyRoom } from './lobby-messages.js';
import { LobbyView } from './lobby-view.js';
import { mentionsOf } from '../chat/mention-pattern.js';

/** What `enterLobby` needs of a client: `@kuiper/client`'s `KuiperClient` fits as is. */
export interface LobbyClient {
  subscribe(channel: string, handler: (data: unknown) => void): { readonly ready: Promise<unknown>; unsubscribe(): unknown };
  call<T = unknown>(channel: string, data: unknown): Promise<T>;
  onSession(listener: (event: { readonly clientId: string; readonly resumed: boolean }) => void): () => void;
}

export interface EnterLobbyOptions {
  /** Called with the new list on every change (the same as `subscribe`). */
  onChange?: (rooms: readonly LobbyRoom[]) => void;
}

export interface Lobby {
  /** The rooms this viewer may see, most recent activity first; the same array until one changes. */
  rooms(): readonly LobbyRoom[];
  subscribe(fn: (rooms: readonly LobbyRoom[]) => void): () => void;
  /** Resolves once the first snapshot is in `rooms()`; rejects with a `CollabError` if refused. */
  readonly ready: Promise<void>;
  /** Refusals and unreadable messages. */
  onError(fn: (error: CollabError) => void): () => void;
  /**
   * [LOBBY-7] This viewer's read positions in the rooms listed now (or in `rooms`), and who it is in
   * their chats: a room whose `lastMessage` has a higher `serial`, from someone else, has news for it.
   */
  readPositions(rooms?: readonly string[]): Promise<Result<LobbyReads>>;
  /** Stops this lobby's listeners; the client stops watching when its last lobby leaves. */
  leave(): void;
}

/** [LOBBY-7] Whether `room` has a message this viewer has not read: newer than its position, and not its own. */
export function hasNews(room: LobbyRoom, reads: LobbyReads | undefined): boolean {
  const last = room.lastMessage;
  if (!reads || !last || last.serial === undefined || last.author.id === reads.me) return false;
  return last.serial > (reads.reads[room.id] ?? 0);
}

/**
 * [LOBBY-8] Whether `room` has news that mentions this viewer: an unread message naming it as
 * `@name` when `reads` was answered, or the last message, arrived since, naming it.
 */
export function mentionsYou(room: LobbyRoom, reads: LobbyReads | undefined): boolean {
  return hasNews(room, reads) && ((reads?.mentions?.[room.id] ?? 0) > 0 || lastMentionsYou(room, reads));
}

/** [LOBBY-8] Whether the room's last message, unread, names this viewer (what `useLobby` asks the server again on). */
export function lastMentionsYou(room: LobbyRoom, reads: LobbyReads | undefined): boolean {
  return reads?.name !== undefined && hasNews(room, reads) && namedIn(reads.name)(room.lastMessage?.text ?? '');
}

/** The last name's pattern, kept: a room list asks it of every room on every render. */
let lastNamed: { readonly name: string; readonly test: (text: string) => boolean } | undefined;
function namedIn(name: string): (text: string) => boolean {
  if (lastNamed?.name !== name) lastNamed = { name, test: mentionsOf(name) };
  return lastNamed.test;
}

const request = (type: 'watch' | 'unwatch'): LobbyRequest => ({ v: 1, type });

/**
 * The watch of one client. The server knows a viewer by its session, so every lobby entered on one
 * client shares one watch: one leaving (say, a component unmounting) never stops another's changes.
 */
interface Watch {
  readonly view: LobbyView;
  readonly errors: Listeners<CollabError>;
  readonly ready: Promise<void>;
  failed: boolean;
  refs: number;
  stop(): void;
}

const watches = new WeakMap<LobbyClient, Watch>();

function startWatch(client: LobbyClient): Watch {
  const view = new LobbyView();
  const errors = new Listeners<CollabError>();
  let stopped = false;

  const subscription = client.subscribe(LOBBY_ROOMS, (data) => {
    const read = parseLobbyMessage(data);
    if (!read.ok) return errors.emit(read.error);
    if (read.value.type !== 'lobby-snapshot') view.change(read.value);
  });

  const watch = async (): Promise<void> => {
    let reply: unknown;
    try {
      reply = await client.call(LOBBY_SERVICE, request('watch'));
    } catch (thrown) {
      throw collabError('send_failed', `lobby: ${describeThrown(thrown)}`);
    }
    const read = parseLobbyMessage(reply);
    if (!read.ok) throw read.error;
    if (read.value.type !== 'lobby-snapshot') throw collabError('message_invalid', 'lobby: the watch reply is not a snapshot');
    if (!stopped) view.snapshot(read.value.rooms);
  };

  let watching = false;
  const subscribed = Promise.resolve(subscription.ready).catch((thrown: unknown) => {
    throw collabError('send_failed', `lobby: ${describeThrown(thrown)}`); // refused by the server's policy
  });
  const ready = subscribed.then(async () => {
    if (stopped) return;
    await watch();
    watching = true;
  });

  // A new server session has no record of this viewer; a resumed one may now be served by another
  // node (its node died, or a balancer moved it) that does not know it watches: watch again, and take
  // the snapshot, which also covers whatever a dead node never delivered.
  const offSession = client.onSession(() => {
    if (!watching || stopped) return;
    view.reset();
    watch().catch((error: CollabError) => {
      view.resume(); // changes stop waiting (and piling up) for a snapshot that will not come
      errors.emit(error);
    });
  });

  const shared: Watch = {
    view,
    errors,
    ready,
    failed: false,
    refs: 0,
    stop: () => {
      stopped = true;
      offSession();
      void Promise.resolve(subscription.unsubscribe()).catch(() => undefined);
      if (watching) client.call(LOBBY_SERVICE, request('unwatch')).catch(() => undefined);
    },
  };
  ready.catch((error: CollabError) => {
    shared.failed = true; // the next lobby entered on this client starts a new watch
    errors.emit(error);
  });
  return shared;
}

export function enterLobby(client: LobbyClient, options: EnterLobbyOptions = {}): Lobby {
  let watch = watches.get(client);
  if (!watch || watch.failed) watches.set(client, (watch = startWatch(client)));
  const shared = watch;
  shared.refs++;
  // This lobby's own listeners, removed when it leaves.
  const offs = new Set<() => void>();
  const own = (off: () => void): (() => void) => {
    offs.add(off);
    return () => {
      offs.delete(off);
      off();
    };
  };
  if (options.onChange) own(shared.view.subscribe(options.onChange));
  let left = false;

  return {
    rooms: () => shared.view.rooms(),
    subscribe: (fn) => own(shared.view.subscribe(fn)),
    ready: shared.ready,
    onError: (fn) => own(shared.errors.subscribe(fn)),
    readPositions: async (rooms) => {
      const ids = (rooms ?? shared.view.rooms().map((r) => r.id)).slice(0, MAX_READS_ROOMS);
      try {
        return parseLobbyReads(await client.call(LOBBY_SERVICE, { v: 1, type: 'reads', rooms: ids }));
      } catch (thrown) {
        return { ok: false, error: collabError('send_failed', `lobby reads: ${describeThrown(thrown)}`) };
      }
    },
    leave: () => {
      if (left) return;
      left = true;
      offs.forEach((off) => off());
      offs.clear();
      if (--shared.refs > 0) return;
      if (watches.get(client) === shared) watches.delete(client);
      shared.stop();
    },
  };
}
