/**
 * [BOARD-19] Comments on the whiteboard: a pin per open thread on the board (in board units, so it
 * stays on its spot as the view pans and zooms), and one panel beside a pin — a new thread's first
 * message, or a thread's messages with a reply box and Resolve. The threads come from the Board's
 * framework-free `comments`; this file only draws them and reads the keyboard.
 */
import { useState, type ReactElement } from 'react';
import type { Board } from '../../whiteboard/board.js';
import type { CommentAuthor, CommentThread } from '../../whiteboard/comments.js';
import { WB } from './styles.js';
import type { View } from './use-pointer-tools.js';

/** What the panel shows: a new thread at a spot, or an existing thread. */
export type OpenComment = { readonly kind: 'new'; readonly x: number; readonly y: number } | { readonly kind: 'thread'; readonly id: string };

/**
 * The pins, drawn inside the board's transformed group. A press on one opens its thread (the
 * surface's pointer handler finds it by `data-thread-id`); so do Enter and Space on a focused pin,
 * which Tab reaches like any button.
 */
export function CommentPins({ threads, zoom, open, onOpen }: { threads: readonly CommentThread[]; zoom: number; open: OpenComment | null; onOpen(open: OpenComment): void }): ReactElement {
  const r = 11 / zoom;
  return (
    <g role="group" aria-label="Comments">
      {threads.filter((t) => !t.resolved).map((t) => (
        <g key={t.id} role="button" tabIndex={0} data-thread-id={t.id} className={`${WB}-pin`} aria-label={`Comment by ${t.messages[0]!.author.name}: ${t.messages[0]!.text.slice(0, 80)}`}
          transform={`translate(${t.x} ${t.y})`}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' && e.key !== ' ') return;
            e.preventDefault();
            e.stopPropagation(); // the board's own Enter and Space (add a shape, pan) are not meant
            onOpen({ kind: 'thread', id: t.id });
          }}>
          <path d={`M0 0 L${-r * 0.6} ${-r * 1.1} A${r} ${r} 0 1 1 ${r * 0.6} ${-r * 1.1} Z`} fill={open?.kind === 'thread' && open.id === t.id ? '#1971c2' : '#fab005'}
            stroke="#1e1e1e" strokeWidth={1 / zoom} />
          <text x={0} y={-r * 1.55} textAnchor="middle" fontSize={11 / zoom} fontFamily="system-ui, sans-serif" fill="#1e1e1e" pointerEvents="none">
            {t.messages.length}
          </text>
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
  /** A viewer (BOARD-20): the thread's messages, no reply box, no Resolve. */
  readOnly: boolean;
  onOpen(open: OpenComment | null): void;
}

/** The panel beside a pin; Enter posts (Shift+Enter breaks the line), Escape closes. */
export function CommentPanel({ board, open, threads, view, author, readOnly, onOpen }: CommentPanelProps): ReactElement | null {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const thread = open.kind === 'thread' ? threads.find((t) => t.id === open.id) : undefined;
  if ((open.kind === 'thread' && !thread) || (readOnly && !thread)) return null; // gone, or a viewer starting one
  const at = open.kind === 'new' ? open : thread!;
  const post = (): void => {
    if (!draft.trim()) return;
    const result = thread ? board.comments.reply(thread.id, draft, author) : board.comments.start(at, draft, author);
    if (!result.ok) return setProblem(result.error.message);
    setDraft('');
    setProblem('');
    if (!thread) onOpen({ kind: 'thread', id: result.value.id });
  };
  const label = thread ? 'Reply' : 'Comment';
  return (
    <div className={`${WB}-comment`} role="dialog" aria-label={thread ? 'Comment thread' : 'New comment'} onKeyDown={(e) => e.key === 'Escape' && onOpen(null)}
      style={{ left: at.x * view.zoom + view.x + 14, top: at.y * view.zoom + view.y - 8 }}>
      {thread && (
        <ol className={`${WB}-comment-messages`} aria-label="Messages">
          {thread.messages.map((m) => (
            <li key={m.id}>
              <strong>{m.author.name}</strong> {m.text}
            </li>
          ))}
        </ol>
      )}
      {!readOnly && (
        <textarea aria-label={label} placeholder={thread ? 'Reply…' : 'Add a comment…'} autoFocus value={draft} rows={2}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              post();
            }
          }} />
      )}
      {problem && <p role="alert">{problem}</p>}
      <div className={`${WB}-comment-actions`}>
        {!readOnly && <button type="button" className={`${WB}-button`} onClick={post} disabled={!draft.trim()}>{label}</button>}
        {thread && !readOnly && (
          <button type="button" className={`${WB}-button`} onClick={() => (board.comments.resolve(thread.id), onOpen(null))}>Resolve</button>
        )}
        <button type="button" className={`${WB}-button`} aria-label="Close" autoFocus={readOnly} onClick={() => onOpen(null)}>×</button>
      </div>
    </div>
  );
}
