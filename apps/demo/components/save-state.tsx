'use client';
/**
 * Whether the room's edits are stored by the server: "Saved", "Saving…", or "Not saved: offline"
 * while an edit waits for the connection, and the browser asks before leaving then (REACT-12). Not a
 * second `role="status"`: the connection's is the page's one status, this a polite live region.
 */
import { useEffect, useState } from 'react';
import { useStatus, useSyncStatus, useUnsavedEdits } from '@kuiper/collab/react';

export function SaveState() {
  const sync = useSyncStatus({ warnBeforeUnload: true });
  // Not `sync`: it is `synchronizing` for the round trip of every reconnect too, with nothing unsaved.
  const unsaved = useUnsavedEdits();
  const connection = useStatus();
  // 'synchronizing' before the first sync is the room loading, not an edit being saved.
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (sync === 'synchronized') setLoaded(true);
  }, [sync]);
  const text = !loaded ? 'Loading…' : !unsaved ? 'Saved' : connection === 'connected' ? 'Saving…' : 'Not saved: offline';
  return (
    <p className={`save-state${loaded && unsaved ? ' save-unsaved' : ''}`} aria-live="polite">
      {text}
    </p>
  );
}
