'use client';
/**
 * The lobby's rooms, live: `enterLobby` on the page's client, read through useSyncExternalStore;
 * [DEMO-25] with this visitor's read positions, asked again whenever the listed rooms change, so a
 * room shows its news (`hasNews`) as messages arrive.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { enterLobby, type Lobby, type LobbyReads, type LobbyRoom } from '@kuiper/collab';
import { useClient } from '@kuiper/collab/react';

const NONE: readonly LobbyRoom[] = [];
const nothing = (): (() => void) => () => undefined;

export function useLobbyRooms(): { rooms: readonly LobbyRoom[]; reads: LobbyReads | undefined } {
  const client = useClient();
  const [lobby, setLobby] = useState<Lobby>();
  const [reads, setReads] = useState<LobbyReads>();
  useEffect(() => {
    if (!client) return;
    const entered = enterLobby(client);
    setLobby(entered);
    return () => {
      setLobby(undefined);
      entered.leave();
    };
  }, [client]);
  const rooms = useSyncExternalStore(lobby ? (onChange) => lobby.subscribe(onChange) : nothing, () => lobby?.rooms() ?? NONE, () => NONE);
  const ids = rooms.map((room) => room.id).sort().join(' ');
  // Asked again when the window gets the focus back: the visitor may have read a room in another tab.
  const [focused, setFocused] = useState(0);
  useEffect(() => {
    const again = (): void => setFocused((n) => n + 1);
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, []);
  useEffect(() => {
    if (!lobby || ids === '') return;
    let current = true;
    void lobby.readPositions().then((got) => current && got.ok && setReads(got.value));
    return () => void (current = false);
  }, [lobby, ids, focused]);
  return { rooms, reads };
}
