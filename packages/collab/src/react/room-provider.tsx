/**
 * One room for a subtree [REACT-2]: entered in an effect once the client exists, left in that
 * effect's cleanup, so a StrictMode double mount enters, leaves and enters again and leaves exactly
 * one membership behind.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { enterRoom, type EnterRoomOptions, type Room } from '../client/enter-room.js';
import type { PresenceData } from '../protocol/messages.js';
import { useClient } from './kuiper-provider.js';

const RoomContext = createContext<Room | null | undefined>(undefined);

export interface RoomProviderProps {
  /** The room id (`/rooms/<id>/…`). */
  readonly room: string;
  /** This connection's presence when it enters; read once per room. */
  readonly initialPresence?: PresenceData;
  readonly options?: Omit<EnterRoomOptions, 'presence'>;
  readonly children?: ReactNode;
}

export function RoomProvider({ room: roomId, initialPresence, options, children }: RoomProviderProps): ReactNode {
  const client = useClient();
  const [room, setRoom] = useState<Room | null>(null);
  useEffect(() => {
    if (!client) return;
    const entered = enterRoom(client, roomId, { ...options, ...(initialPresence ? { presence: initialPresence } : {}) });
    setRoom(entered);
    return () => {
      setRoom((current) => (current === entered ? null : current));
      entered.leave();
    };
    // Presence and options are the room's starting point, not a reason to enter again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, roomId]);
  return <RoomContext.Provider value={room}>{children}</RoomContext.Provider>;
}

/** The entered room, or null until it is entered (and during a server render). Throws outside a `<RoomProvider>`. */
export function useRoom(): Room | null {
  const room = useContext(RoomContext);
  if (room === undefined) throw new Error('useRoom: wrap the tree in <RoomProvider room=…>');
  return room;
}

/** The provider's room without the check: undefined outside a `<RoomProvider>` (for hooks that also take a room argument). */
export function useRoomIfAny(): Room | null | undefined {
  return useContext(RoomContext);
}
