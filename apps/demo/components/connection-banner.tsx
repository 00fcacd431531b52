'use client';
/**
 * [DEMO-20] A drop that lasts gets a sentence, not only a badge colour: after 5 s without the server
 * the page says the work is kept and will sync, and says so again when the connection is back (for a
 * few seconds). Short drops (a server restart, a Wi-Fi hand-over) show nothing here: the status badge
 * is enough for them.
 */
import { useEffect, useState } from 'react';
import { useLostConnectionListener, type LostConnectionEvent } from '@kuiper/collab/react';

const TEXT: Record<LostConnectionEvent, string> = {
  lost: 'Connection lost. Keep working: your changes stay in this tab and sync when the connection is back.',
  restored: 'Back online.',
  failed: 'Disconnected. Reload the page to join again.',
};

/** How long "Back online." stays. */
const RESTORED_MS = 4000;

export function ConnectionBanner() {
  const [event, setEvent] = useState<LostConnectionEvent | null>(null);
  useLostConnectionListener(setEvent);
  useEffect(() => {
    if (event !== 'restored') return;
    const timer = setTimeout(() => setEvent(null), RESTORED_MS);
    return () => clearTimeout(timer);
  }, [event]);
  if (!event) return null;
  return (
    <p role="alert" className={`connection-banner connection-${event}`}>
      {TEXT[event]}
    </p>
  );
}
