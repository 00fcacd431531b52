/**
 * [REACT-15] Suspense: `useSuspenseRoom()` renders only once the room is entered and its document
 * loaded, so a component reads the document as it is instead of drawing an empty one first; the
 * nearest `<Suspense>` shows its fallback meanwhile, and a room that cannot be loaded (refused, the
 * store failing) throws to the nearest error boundary. A room is entered in an effect, which a server
 * never runs: `<ClientSideSuspense>` renders the fallback on the server and in the first client render
 * (hydration), then the children inside `<Suspense>`. Works with React 18 and 19: the hooks throw
 * the promise they wait on.
 */
import { Suspense, useEffect, useState, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { Room } from '../client/enter-room.js';
import { useRoom, useRoomEntered } from './room-provider.js';

type Settled = { status: 'pending' } | { status: 'fulfilled' } | { status: 'rejected'; reason: unknown };
const settled = new WeakMap<Promise<unknown>, Settled>();

/** Returns once `promise` has resolved, throws its reason once it has rejected, suspends until then. */
function waitFor(promise: Promise<unknown>): void {
  let state = settled.get(promise);
  if (!state) {
    const tracked: Settled = { status: 'pending' };
    state = tracked;
    settled.set(promise, tracked);
    promise.then(
      () => settled.set(promise, { status: 'fulfilled' }),
      (reason: unknown) => settled.set(promise, { status: 'rejected', reason }),
    );
  }
  if (state.status === 'fulfilled') return;
  if (state.status === 'rejected') throw state.reason;
  throw promise;
}

/** The provider's room, entered and in step with the server: suspends until both. */
export function useSuspenseRoom(): Room {
  const room = useRoom();
  const entered = useRoomEntered();
  if (room) {
    waitFor(room.synced);
    return room;
  }
  if (typeof document === 'undefined') {
    throw new Error('useSuspenseRoom: a room is entered in the browser only; wrap this part in <ClientSideSuspense fallback={…}>');
  }
  // Not entered yet. Once the provider has entered it a render sees it; until then, wait for that.
  throw entered ?? new Error('useSuspenseRoom: wrap the tree in <RoomProvider room=…>');
}

/** `useSuspenseRoom().doc`: the room's document, loaded. */
export function useSuspenseDocument(): Y.Doc {
  return useSuspenseRoom().doc;
}

export interface ClientSideSuspenseProps {
  readonly fallback: ReactNode;
  readonly children?: ReactNode;
}

/** `<Suspense>` in the browser only: the fallback on the server and in the hydrating render. */
export function ClientSideSuspense({ fallback, children }: ClientSideSuspenseProps): ReactNode {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted ? <Suspense fallback={fallback}>{children}</Suspense> : fallback;
}
