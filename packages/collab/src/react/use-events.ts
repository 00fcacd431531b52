/**
 * Ephemeral room events in React [REACT-9]: `useBroadcast()` sends, `useEvent(fn)` listens while
 * mounted. The listener is kept in a ref, so a re-render never resubscribes.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { RoomEvent } from '../client/room-events.js';
import { collabError } from '../protocol/errors.js';
import { useRoom } from './room-provider.js';

/** Sends `data` to the room's other members; rejects (a CollabError) before the room is entered. */
export function useBroadcast<T = unknown>(): (data: T) => Promise<void> {
  const room = useRoom();
  return useCallback(
    (data: T) => (room ? room.events.broadcast(data) : Promise.reject(collabError('send_failed', 'useBroadcast: the room is not entered yet'))),
    [room],
  );
}

/** Calls `fn` with each event another member broadcasts in this room while the component is mounted. */
export function useEvent<T = unknown>(fn: (event: RoomEvent<T>) => void): void {
  const room = useRoom();
  const fnRef = useRef(fn);
  useEffect(() => {
    fnRef.current = fn;
  });
  useEffect(() => (room ? room.events.subscribe((event) => fnRef.current(event as RoomEvent<T>)) : undefined), [room]);
}
