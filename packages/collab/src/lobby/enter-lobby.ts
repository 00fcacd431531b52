/**
 * A lobby viewer over a Kuiper client (LOBBY-4): subscribe to `/lobby/rooms/*`, then ask
 * `/service/lobby` to `watch` — its reply is the snapshot, and the server then sends this session
 * each change of a room it may see. Framework-free; the React hook wraps `rooms` and `subscribe`.
 */
import { Listeners } from '../core/listeners.js';
import { collabError, describeThrown, type CollabError } from '../protocol/errors.js';
import { LOBBY_ROOMS, LOBBY_SERVICE, parseLobbyMessage, type LobbyRequest, type LobbyRoom } from './lobby-messages.js';
import { LobbyView } from './lobby-view.js';

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
  /** Stops watching: no more changes arrive. */
  leave(): void;
}

const request = (type: LobbyRequest['type']): LobbyRequest => ({ v: 1, type });

export function enterLobby(client: LobbyClient, options: EnterLobbyOptions = {}): Lobby {
  const view = new LobbyView();
  const errors = new Listeners<CollabError>();
  const offChange = options.onChange ? view.subscribe(options.onChange) : () => undefined;
  let left = false;

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
    if (!left) view.snapshot(read.value.rooms);
  };

  let watching = false;
  const subscribed = Promise.resolve(subscription.ready).catch((thrown: unknown) => {
    throw collabError('send_failed', `lobby: ${describeThrown(thrown)}`); // refused by the server's policy
  });
  const ready = subscribed.then(async () => {
    if (left) return;
    await watch();
    watching = true;
  });
  ready.catch((error: CollabError) => errors.emit(error));

  // A new server session has no record of this viewer: watch again and take its snapshot.
  const offSession = client.onSession(({ resumed }) => {
    if (!watching || left || resumed) return;
    view.reset();
    watch().catch((error: CollabError) => {
      view.resume(); // changes stop waiting (and piling up) for a snapshot that will not come
      errors.emit(error);
    });
  });

  return {
    rooms: () => view.rooms(),
    subscribe: (fn) => view.subscribe(fn),
    ready,
    onError: (fn) => errors.subscribe(fn),
    leave: () => {
      if (left) return;
      left = true;
      offSession();
      offChange();
      void Promise.resolve(subscription.unsubscribe()).catch(() => undefined);
      if (watching) client.call(LOBBY_SERVICE, request('unwatch')).catch(() => undefined);
    },
  };
}
