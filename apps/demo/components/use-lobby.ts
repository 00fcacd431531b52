'use client';
/** The lobby's rooms, live: `enterLobby` on the page's client, read through useSyncExternalStore. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { enterLobby, type Lobby, type LobbyRoom } from '@kuiper/collab';
import { useClient } from '@kuiper/collab/react';

const NONE: readonly LobbyRoom[] = [];
const nothing = (): (() => void) => () => undefined;

export function useLobbyRooms(): readonly LobbyRoom[] {
  const client = useClient();
  const [lobby, setLobby] = useState<Lobby>();
  useEffect(() => {
    if (!client) return;
    const entered = enterLobby(client);
    setLobby(entered);
    return () => {
      setLobby(undefined);
      entered.leave();
    };
  }, [client]);
  return useSyncExternalStore(lobby ? (onChange) => lobby.subscribe(onChange) : nothing, () => lobby?.rooms() ?? NONE, () => NONE);
}
