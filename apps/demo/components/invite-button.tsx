'use client';
/**
 * Copies the room's address to the clipboard to send to someone (DEMO-16): the room's own URL, not
 * the page's — `?name=` or `?transport=` in it would make the invitee Ada, or force a transport.
 * With `view`, the view-only link (`?view=1`, DEMO-21).
 */
import { useEffect, useState } from 'react';

export function InviteButton({ roomId, view = false }: { roomId: string; view?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = (): void => {
    const url = `${window.location.origin}/rooms/${encodeURIComponent(roomId)}${view ? '?view=1' : ''}`;
    // The clipboard needs a secure context (https or localhost); elsewhere it says so.
    (navigator.clipboard?.writeText(url) ?? Promise.reject(new Error('no clipboard'))).then(() => setCopied('yes'), () => setCopied('failed'));
  };
  return (
    <button type="button" className="invite" onClick={copy} aria-live="polite">
      {copied === 'yes' ? 'Link copied' : copied === 'failed' ? 'Copy failed: use the address bar' : view ? 'Copy view-only link' : 'Copy invite link'}
    </button>
  );
}
