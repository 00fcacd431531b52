/**
 * `useAwareness(room?)` [REACT-16]: a y-protocols `Awareness` over the room's presence (COLLAB-46)
 * for the editor bindings of the Yjs ecosystem — Tiptap's Collaboration Caret, y-prosemirror,
 * y-codemirror.next, y-quill, y-monaco. Made once the room is entered, destroyed when the component
 * unmounts or the room changes (which clears this member's caret for everyone); null until then.
 */
import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { createAwareness, type AwarenessOptions, type AwarenessRoom } from '../client/awareness.js';
import { useRoomIfAny } from './room-provider.js';

/** The awareness of `room`, or of the `<RoomProvider>`'s room when no argument is given. */
export function useAwareness(room?: AwarenessRoom | null, options?: AwarenessOptions): Awareness | null {
  const provided = useRoomIfAny();
  const target = (room === undefined ? provided : room) ?? null;
  const [awareness, setAwareness] = useState<{ room: AwarenessRoom; awareness: Awareness } | null>(null);
  const keepAliveMs = options?.keepAliveMs;
  useEffect(() => {
    if (!target) return;
    const made = createAwareness(target, keepAliveMs === undefined ? {} : { keepAliveMs });
    setAwareness({ room: target, awareness: made });
    return () => {
      made.destroy();
      setAwareness(null);
    };
  }, [target, keepAliveMs]);
  // Never another room's: between a room change and the effect, the old one is already destroyed.
  return awareness && awareness.room === target ? awareness.awareness : null;
}
