/**
 * [BOARD-19] Comments on the whiteboard: a pin per open thread on the board (in board units, so it
 * stays on its spot as the view pans and zooms), and one panel beside a pin — a new thread's first
 * message, or a thread's messages with a reply box and Resolve. The threads come from the Board's
 * framework-free `comments`; this file only draws them and reads the keyboard.
 */
import { useState, type ReactElement } from 'react';
import type { Board } from '../../whiteboard/board.js';
import { isCommentAuthor, type CommentAuthor, type CommentMessage, type CommentThread } from '../../whiteboard/comments.js';
import { WB } from './styles.js';
import type { View } from './use-pointer-tools.js';

/** What the panel shows: a new thread at a spot, or an existing thread. */
export type OpenComment = { readonly kind: 'new'; readonly x: number; readonly y: number } | { readonly kind: 'thread'; readonly id: string };

/**
 * The pins, drawn inside the board's transformed group. A press on one opens its thread (the
 * surface's pointer handler finds it by `data-thread-id`); so do Enter and Space on a focused pin,
 * which Tab reaches like any button. Resolved threads have no pin, except with the Comment tool
 * (`showResolved`, BOARD-21): then they show greyed, to be read or reopened.
 */
export function CommentPins({ threads, zoom, open, showResolved, unread, onOpen }: {
  threads: readonly CommentThread[];
  zoom: number;
  open: OpenComment | null;
  showResolved: boolean;
  /** [BOARD-23] How many of a thread's messages are new to this person (a dot on its pin). */
  unread(thread: CommentThread): number;
  onOpen(open: OpenComment): void;
}): ReactElement {
  const r = 11 / zoom;
  const fill = (t: CommentThread): string => (open?.kind === 'thread' && open.id === t.id ? '#1971c2' : t.resolved ? '#ced4da' : '#fab005');
  return (
    <g role="group" aria-label="Comments">
      {threads.filter((t) => showResolved || !t.resolved).map((t) => (
        <g key={t.id} role="button" tabIndex={0} data-thread-id={t.id} data-resolved={t.resolved || undefined} className={`${WB}-pin`}
          aria-label={`${t.resolved ? 'Resolved comment' : 'Comment'} by ${t.messages[0]!.author.name}: ${t.messages[0]!.text.slice(0, 80)}${unread(t) > 0 ? `, ${unread(t)} new` : ''}`}
          transform={`translate(${t.x} ${t.y})`}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' && e.key !== ' ') return;
            e.preventDefault();
            e.stopPropagation(); // the board's own Enter and Space (add a shape, pan) are not meant
            onOpen({ kind: 'thread', id: t.id });
          }}>
          <path d={`M0 0 L${-r * 0.6} ${-r * 1.1} A${r} ${r} 0 1 1 ${r * 0.6} ${-r * 1.1} Z`} fill={fill(t)}
            stroke="#1e1e1e" strokeWidth={1 / zoom} />
          <text x={0} y={-r * 1.55} textAnchor="middle" fontSize={11 / zoom} fontFamily="system-ui, sans-serif" fill="#1e1e1e" pointerEvents="none">
            {t.messages.length}
          </text>
          {unread(t) > 0 && <circle data-unread="" cx={r * 0.95} cy={-r * 2.6} r={4 / zoom} fill="#1971c2" stroke="#ffffff" strokeWidth={1.5 / zoom} />}
        </g>
      ))}
    </g>
  );
}

export interface CommentPanelProps {
  board: Board;
  open: OpenComment;
  threads: readonly CommentThread[];
  view: View;
  author: CommentAuthor;
  /** A viewer (BOARD-20): the thread's messages, no reply box, no Resolve, no edits. */
  readOnly: boolean;
  /** The board's width on screen: a panel that would pass its right edge opens left of the pin. */
  stageWidth: number;
  onOpen(open: OpenComment | null): void;
}

/** The panel's width in the style sheet, plus its border and padding. */
const PANEL_WIDTH = 258;

/** Right of the pin, or left of it when that would pass the board's right edge; never off its left. */
function panelLeft(pinX: number, stageWidth: number): number {
  const right = pinX + 14;
  return right + PANEL_WIDTH <= stageWidth ? right : Math.max(0, pinX - 14 - PANEL_WIDTH);
}

/** "14:05" today, "Dec 4" before; the full date and time on hover. */
function When({ at, edited }: { at: number; edited?: number }): ReactElement {
  const date = new Date(at);
  const today = date.toDateString() === new Date().toDateString();
  const short = today ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return (
    <>
      <time className={`${WB}-comment-when`} dateTime={date.toISOString()} title={date.toLocaleString()}>{short}</time>
      {edited !== undefined && <span className={`${WB}-comment-when`} title={new Date(edited).toLocaleString()}>(edited)</span>}
    </>
  );
}

/** A text box where Enter sends (Shift+Enter breaks the line) and Escape cancels, if it may. */
function Composer({ label, placeholder, value, onChange, onSend, onCancel }: { label: string; placeholder?: string; value: string; onChange(text: string): void; onSend(): void; onCancel?(): void }): ReactElement {
  return (
    <textarea aria-label={label} placeholder={placeholder} autoFocus value={value} rows={2}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          onSend();
        }
        else if (e.key === 'Escape' && onCancel) {
          e.stopPropagation(); // cancels the edit, not the whole panel
          onCancel();
        }
      }} />
  );
}

/**
 * The panel beside a pin; Enter posts (Shift+Enter breaks the line), Escape closes. Each message
 * shows its author, time and "(edited)"; its author may edit or delete it (BOARD-21), and who
 * started the thread may delete it whole, after a confirming second press.
 */
export function CommentPanel({ board, open, threads, view, author, readOnly, stageWidth, onOpen }: CommentPanelProps): ReactElement | null {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const thread = open.kind === 'thread' ? threads.find((t) => t.id === open.id) : undefined;
  if ((open.kind === 'thread' && !thread) || (readOnly && !thread)) return null; // gone, or a viewer starting one
  const at = open.kind === 'new' ? open : thread!;
  /** Shows a refused change's reason; true when it went through. */
  const done = (result: { ok: boolean; error?: { message: string } }): boolean => (setProblem(result.ok ? '' : result.error!.message), result.ok);
  const post = (): void => {
    if (!draft.trim()) return;
    const result = thread ? board.comments.reply(thread.id, draft, author) : board.comments.start(at, draft, author);
    if (!done(result)) return;
    setDraft('');
    if (!thread && result.ok) onOpen({ kind: 'thread', id: result.value.id });
  };
  const saveEdit = (): void => {
    if (!thread || !editing || !editing.text.trim()) return;
    if (done(board.comments.edit(thread.id, editing.id, editing.text, author))) setEditing(null);
  };
  const mine = (m: CommentMessage): boolean => !readOnly && isCommentAuthor(m, author);
  const label = thread ? 'Reply' : 'Comment';
  return (
    <div className={`${WB}-comment`} role="dialog" aria-label={thread ? (thread.resolved ? 'Resolved comment thread' : 'Comment thread') : 'New comment'} onKeyDown={(e) => e.key === 'Escape' && onOpen(null)}
      style={{ left: panelLeft(at.x * view.zoom + view.x, stageWidth), top: at.y * view.zoom + view.y - 8 }}>
      {thread && (
        <ol className={`${WB}-comment-messages`} aria-label="Messages">
          {thread.messages.map((m) => (
            <li key={m.id}>
              <strong>{m.author.name}</strong> <When at={m.at} edited={m.editedAt} />
              {editing?.id === m.id ? (
                <>
                  <Composer label="Edit message" value={editing.text} onChange={(text) => setEditing({ id: m.id, text })} onSend={saveEdit} onCancel={() => setEditing(null)} />
                  <div className={`${WB}-comment-actions`}>
                    <button type="button" className={`${WB}-button`} onClick={saveEdit} disabled={!editing.text.trim()}>Save</button>
                    <button type="button" className={`${WB}-button`} onClick={() => setEditing(null)}>Cancel</button>
                  </div>
                </>
              ) : (
                <p className={`${WB}-comment-text`}>{m.text}</p>
              )}
              {mine(m) && editing?.id !== m.id && (
                <span className={`${WB}-comment-message-actions`}>
                  <button type="button" className={`${WB}-link`} aria-label={`Edit message: ${m.text.slice(0, 40)}`} onClick={() => setEditing({ id: m.id, text: m.text })}>Edit</button>
                  <button type="button" className={`${WB}-link`} aria-label={`Delete message: ${m.text.slice(0, 40)}`}
                    onClick={() => done(board.comments.delete(thread.id, m.id, author))}>Delete</button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {!readOnly && !editing && (
        <Composer label={label} placeholder={thread ? 'Reply…' : 'Add a comment…'} value={draft} onChange={setDraft} onSend={post} />
      )}
      {problem && <p role="alert">{problem}</p>}
      {confirmDelete && thread ? (
        <div className={`${WB}-comment-actions`} role="group" aria-label="Delete the whole thread?">
          <span>Delete the whole thread?</span>
          <button type="button" className={`${WB}-button`} onClick={() => done(board.comments.deleteThread(thread.id, author)) && onOpen(null)}>Delete thread</button>
          <button type="button" className={`${WB}-button`} autoFocus onClick={() => setConfirmDelete(false)}>Keep</button>
        </div>
      ) : (
        <div className={`${WB}-comment-actions`}>
          {!readOnly && !editing && <button type="button" className={`${WB}-button`} onClick={post} disabled={!draft.trim()}>{label}</button>}
          {thread && !readOnly && (thread.resolved
            ? <button type="button" className={`${WB}-button`} onClick={() => done(board.comments.resolve(thread.id, false))}>Reopen</button>
            : <button type="button" className={`${WB}-button`} onClick={() => (board.comments.resolve(thread.id), onOpen(null))}>Resolve</button>)}
          {thread && mine(thread.messages[0]!) && (
            <button type="button" className={`${WB}-button`} onClick={() => setConfirmDelete(true)}>Delete thread</button>
          )}
          <button type="button" className={`${WB}-button`} aria-label="Close" autoFocus={readOnly} onClick={() => onOpen(null)}>×</button>
        </div>
      )}
    </div>
  );
}
