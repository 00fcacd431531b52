/**
 * [REACT-12] Whether the room's document is stored by the server: `synchronized`, or
 * `synchronizing` while it loads or a local edit is not stored yet (a "Saving…" badge). With
 * `warnBeforeUnload`, leaving the page while an edit is unsaved asks the browser's "Leave site?" —
 * the edit would otherwise live only in this tab (or in IndexedDB with the `offline` option).
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { SyncStatus } from '../core/document-sync.js';
import { useRoom } from './room-provider.js';

export interface SyncStatusOptions {
  /** Ask before the page unloads while `room.unsavedEdits` (default false). */
  readonly warnBeforeUnload?: boolean;
}

const LOADING = (): SyncStatus => 'synchronizing';
const never = (): (() => void) => () => undefined;

export function useSyncStatus(options: SyncStatusOptions = {}): SyncStatus {
  const room = useRoom();
  const subscribe = useCallback((onChange: () => void) => (room ? room.subscribeSyncStatus(() => onChange()) : never()), [room]);
  const get = useCallback((): SyncStatus => (room ? room.syncStatus : 'synchronizing'), [room]);
  const status = useSyncExternalStore(subscribe, get, LOADING);
  const warn = options.warnBeforeUnload === true;
  useEffect(() => {
    if (!warn || !room) return;
    // Read when the page unloads, not from the last render: an edit made a moment before counts.
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      if (!room.unsavedEdits) return;
      event.preventDefault();
      event.returnValue = ''; // what browsers before the standard's preventDefault() look for
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [room, warn]);
  return status;
}

const NOTHING_UNSAVED = (): boolean => false;

/**
 * [REACT-13] `room.unsavedEdits` as state: true while a local edit is not stored by the server (in
 * flight, or made offline), false otherwise — also while the room loads or re-synchronizes after a
 * reconnect with nothing to lose, which `useSyncStatus` reports as `synchronizing`. What a
 * "Saved / Saving… / Not saved" badge shows without flashing "Saving…" at every reconnect.
 */
export function useUnsavedEdits(): boolean {
  const room = useRoom();
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!room) return never();
      // An edit makes it true (the document's update, after the sync layer took it); it becomes
      // false once stored, which ends the `synchronizing` of the edit's round trip.
      const offStatus = room.subscribeSyncStatus(() => onChange());
      room.doc.on('update', onChange);
      return () => {
        offStatus();
        room.doc.off('update', onChange);
      };
    },
    [room],
  );
  const get = useCallback((): boolean => room?.unsavedEdits ?? false, [room]);
  return useSyncExternalStore(subscribe, get, NOTHING_UNSAVED);
}
