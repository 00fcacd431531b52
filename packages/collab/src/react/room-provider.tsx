/**
 * One room for a subtree [REACT-2]: entered in an effect once the client exists, left in that
 * effect's cleanup, so a StrictMode double mount enters, leaves and enters again and leaves exactly
 * one membership behind.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { enterRoom, type EnterRoomOptions, type Room } from '../client/enter-room.js';
import type { PresenceData } from '../protocol/messages.js';
import { useClient } from './kuiper-provider.js';

const RoomContext = createContext<Room | null | undefined>(undefined);
/** Resolves once the provider has entered its room (REACT-15: what a suspended component waits for). */
const EnteredContext = createContext<Promise<void> | undefined>(undefined);

/** One promise per room id, resolved by the provider's first enter of it. */
interface Entering {
  readonly roomId: string;
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function entering(roomId: string): Entering {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { roomId, promise, resolve };
}

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
  const waiting = useRef<Entering | null>(null);
  if (waiting.current?.roomId !== roomId) waiting.current = entering(roomId);
  const wait = waiting.current;
  useEffect(() => {
    if (!client) return;
    const entered = enterRoom(client, roomId, { ...options, ...(initialPresence ? { presence: initialPresence } : {}) });
    setRoom(entered);
    waiting.current?.resolve();
    return () => {
      setRoom((current) => (current === entered ? null : current));
      entered.leave();
      // Not entered any more: what suspends from now on waits for the next enter, not a past one.
      if (waiting.current?.roomId === roomId) waiting.current = entering(roomId);
    };
    // Presence and options are the room's starting point, not a reason to enter again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, roomId]);
  return (
    <EnteredContext.Provider value={wait.promise}>
      <RoomContext.Provider value={room}>{children}</RoomContext.Provider>
    </EnteredContext.Provider>
  );
}

/** The promise a suspended component waits on until the provider has entered its room. */
export function useRoomEntered(): Promise<void> | undefined {
  return useContext(EnteredContext);
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
