'use client';
/**
 * [DEMO-24] The room's version history: a History button beside the Board and Notes tabs opens
 * `<VersionHistory>` (REACT-18) as a panel below it; Close, Escape or the button again shut
 * it and give the focus back to the button. A viewer looks without saving or restoring.
 */
import { useEffect, useRef, useState } from 'react';
import { useRoom, VersionHistory } from '@kuiper/collab/react';

export function HistoryButton({ readOnly }: { readOnly: boolean }) {
  const room = useRoom();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) panel.current?.focus(); // the panel is where the keyboard goes next
  }, [open]);
  const close = (): void => {
    setOpen(false);
    button.current?.focus();
  };
  if (!room) return null;
  return (
    <>
      <button ref={button} type="button" className="invite" aria-expanded={open} aria-controls="history-panel" onClick={() => (open ? close() : setOpen(true))}>
        History
      </button>
      {open && (
        <div id="history-panel" ref={panel} className="history-panel" tabIndex={-1}>
          <VersionHistory room={room} readOnly={readOnly} onClose={close} />
        </div>
      )}
    </>
  );
}
