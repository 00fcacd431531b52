/**
 * [BOARD-43] Whether Snap to grid is on: a preference of the person, not of the room, so it is kept
 * in this browser's localStorage and holds in every room and after a reload. Off at first and on
 * the server (read in an effect, so the server's render and the first client render agree).
 */
import { useCallback, useEffect, useState } from 'react';

const KEY = 'kuiper-whiteboard-snap';

export function useSnap(): [boolean, () => void] {
  const [snap, setSnap] = useState(false);
  useEffect(() => {
    try {
      if (globalThis.localStorage?.getItem(KEY) === '1') setSnap(true);
    } catch {
      // Storage refused (a sandboxed frame, privacy settings): the toggle still works for this page.
    }
  }, []);
  const toggle = useCallback(() => {
    setSnap((on) => {
      try {
        globalThis.localStorage?.setItem(KEY, on ? '0' : '1');
      } catch {
        // As above: kept for this page only.
      }
      return !on;
    });
  }, []);
  return [snap, toggle];
}
