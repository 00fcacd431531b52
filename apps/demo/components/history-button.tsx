'use client';
/**
 * [DEMO-24] The room's version history: a History button beside the Board and Notes tabs opens
 * `<VersionHistory>` (REACT-18) as a panel below it; Close, Escape or the button again shut
 * it and give the focus back to the button. A viewer looks without saving or restoring.
 */
import { useEffect, useRef, useState } from 'react';
import { BOARD_MAP, COMMENTS_MAP } from '@kuiper/collab';
import { useRoom, VersionHistory, type VersionPart } from '@kuiper/collab/react';
import type * as Y from 'yjs';
import { NOTES_FIELD, notesText } from './notes-text';

/**
 * [DEMO-27] What may be brought back alone: the board (its shapes and their comment threads) or the
 * notes (Tiptap's field), so one can be rescued without losing what was done since in the other.
 */
const PARTS: readonly VersionPart[] = [
  { label: 'the board', only: [BOARD_MAP, COMMENTS_MAP] },
  { label: 'the notes', only: [NOTES_FIELD] },
];

/** A version holds the notes too: their first lines, under the board's picture. */
function NotesPreview({ doc }: { doc: Y.Doc }) {
  const lines = notesText(doc);
  return (
    <div className="history-notes">
      <strong>Notes</strong>
      {lines.length === 0 ? <p>No notes</p> : lines.slice(0, 4).map((line, i) => <p key={i}>{line.length > 120 ? `${line.slice(0, 120)}…` : line}</p>)}
      {lines.length > 4 && <p>…and {lines.length - 4} more lines</p>}
    </div>
  );
}
const notesPreview = (doc: Y.Doc) => <NotesPreview doc={doc} />;

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
          <VersionHistory room={room} readOnly={readOnly} onClose={close} preview={notesPreview} parts={PARTS} />
        </div>
      )}
    </>
  );
}
