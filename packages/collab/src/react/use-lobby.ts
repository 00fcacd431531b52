/**
 * [REACT-19] The lobby for a React page: every room the viewer may see, live (LOBBY-4), and which
 * of them have news for it (LOBBY-7) — what a room list, a sidebar or an app's home page shows.
 * A thin hook over `enterLobby` on the provider's client; lobbies on one client share one watch.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { enterLobby, hasNews, lastMentionsYou, mentionsYou, type Lobby } from '../lobby/enter-lobby.js';
import type { LobbyReads, LobbyRoom } from '../lobby/lobby-messages.js';
import type { CollabError } from '../protocol/errors.js';
import { useClient } from './kuiper-provider.js';

export interface UseLobbyOptions {
  /** Ask for this viewer's read positions, so `hasNews` can tell (default true). */
  reads?: boolean;
}

export interface LobbyState {
  /** The rooms this viewer may see, most recent activity first; [] until the first snapshot. */
  readonly rooms: readonly LobbyRoom[];
  /** True once the first snapshot is in `rooms`. */
  readonly ready: boolean;
  /** Why the lobby was refused, or the last message it could not read. */
  readonly error: CollabError | undefined;
  /** This viewer's read positions in the listed rooms, as last answered. */
  readonly reads: LobbyReads | undefined;
  /** Whether `room` has a message from someone else that this viewer has not read. */
  hasNews(room: LobbyRoom): boolean;
  /** [LOBBY-8] Whether one of those names this viewer as `@name`. */
  mentionsYou(room: LobbyRoom): boolean;
}

const NONE: readonly LobbyRoom[] = [];
const nothing = (): (() => void) => () => undefined;

export function useLobby(options: UseLobbyOptions = {}): LobbyState {
  const client = useClient();
  const withReads = options.reads ?? true;
  const [lobby, setLobby] = useState<Lobby>();
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<CollabError>();
  const [reads, setReads] = useState<LobbyReads>();

  useEffect(() => {
    if (!client) return;
    const entered = enterLobby(client);
    let current = true;
    setLobby(entered);
    const offError = entered.onError((e) => current && setError(e));
    entered.ready.then(
      () => current && setReady(true),
      (e: CollabError) => current && setError(e),
    );
    return () => {
      current = false;
      offError();
      entered.leave();
      setLobby(undefined);
      setReady(false);
      setReads(undefined);
    };
  }, [client]);

  const rooms = useSyncExternalStore(lobby ? (onChange) => lobby.subscribe(onChange) : nothing, () => lobby?.rooms() ?? NONE, () => NONE);

  // Asked again when the listed rooms change, and when the page is looked at again: the viewer may
  // have read a room in another tab meanwhile. A new message in a listed room needs no asking.
  const [looked, setLooked] = useState(0);
  useEffect(() => {
    if (!withReads) return;
    const again = (): void => {
      if (document.visibilityState === 'visible') setLooked((n) => n + 1);
    };
    window.addEventListener('focus', again);
    document.addEventListener('visibilitychange', again);
    return () => {
      window.removeEventListener('focus', again);
      document.removeEventListener('visibilitychange', again);
    };
  }, [withReads]);
  const ids = rooms.map((room) => room.id).sort().join(' ');
  // [LOBBY-8] And when a last message that mentions the viewer arrives: asked then, the server
  // counts it, so the room keeps its mark after later messages (mentions are rare: few asks; a
  // message that names no one asks nothing).
  const mentioning = rooms
    .filter((room) => lastMentionsYou(room, reads))
    .map((room) => `${room.id}:${room.lastMessage?.serial ?? 0}`)
    .join(' ');
  useEffect(() => {
    if (!withReads || !lobby || ids === '') return;
    let current = true;
    // A refused or failed ask (a reconnect under way) keeps the last answer: asked again on the next change.
    void lobby.readPositions().then((got) => current && got.ok && setReads(got.value));
    return () => void (current = false);
  }, [withReads, lobby, ids, looked, mentioning]);

  const news = useCallback((room: LobbyRoom) => hasNews(room, reads), [reads]);
  const mentioned = useCallback((room: LobbyRoom) => mentionsYou(room, reads), [reads]);
  return { rooms, ready, error, reads, hasNews: news, mentionsYou: mentioned };
}
