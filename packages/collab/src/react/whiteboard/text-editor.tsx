/**
 * The editor over the board for writing a text or a sticky note (BOARD-4, BOARD-28): a textarea
 * placed where the shape is (a note's over its paper, at its size), committed on blur or
 * Ctrl/Cmd+Enter, dropped with Escape. Which shape it adds or changes is the board's to decide.
 */
import type { ReactElement } from 'react';
import { NOTE_FONT_SIZE, NOTE_INK, NOTE_PADDING, NOTE_SIZE, notePaper, paperOf } from '../../whiteboard/sticky-note.js';
import type { Shape } from '../../whiteboard/shape.js';
import { turnedCorners } from '../../whiteboard/geometry.js';
import { frameOf } from '../../whiteboard/hit-test.js';
import type { View } from './use-pointer-tools.js';
import { WB } from './styles.js';

/** What is being written: a new text or note at (x, y) (a note's top-left corner), or shape `id`. */
export interface Editing {
  readonly kind: 'text' | 'note';
  readonly x: number;
  readonly y: number;
  readonly id?: string;
  readonly text: string;
  /** A note's box and paper. */
  readonly w?: number;
  readonly h?: number;
  readonly fill?: string | null;
  /**
   * [BOARD-41] A turned note's or text's angle: the editor turns with it, a note's about its paper's
   * centre, a text's about its turned top-left corner (x, y), which its commit keeps (`textPatch`).
   */
  readonly rotation?: number;
}

/** The editor for `shape`, or for a new `kind` at the press `at` (a new note is centred on it). */
export function editingOf(at: { x: number; y: number }, shape: Shape | undefined, kind: 'text' | 'note', color: string): Editing {
  if (shape) {
    // [BOARD-41] A turned text is written from where its first line starts on the board: its turned corner.
    const from = shape.kind === 'text' && shape.rotation ? turnedCorners(frameOf(shape), shape.rotation)[0] : shape;
    return { kind: shape.kind === 'note' ? 'note' : 'text', x: from.x, y: from.y, id: shape.id, text: shape.text, w: shape.w, h: shape.h, fill: shape.fill, ...(shape.rotation ? { rotation: shape.rotation } : {}) };
  }
  if (kind === 'text') return { kind, x: at.x, y: at.y, text: '' };
  return { kind, x: at.x - NOTE_SIZE / 2, y: at.y - NOTE_SIZE / 2, text: '', w: NOTE_SIZE, h: NOTE_SIZE, fill: notePaper(color) };
}

/** The shape a new text or note is added as (the tool's colour is a text's ink, a note's paper). */
export function newShapeOf(editing: Editing, text: string, color: string, width: number) {
  return editing.kind === 'note'
    ? { kind: 'note' as const, x: editing.x, y: editing.y, w: editing.w ?? NOTE_SIZE, h: editing.h ?? NOTE_SIZE, text, color: NOTE_INK, fill: editing.fill ?? notePaper(color), width }
    : { kind: 'text' as const, x: editing.x, y: editing.y, text, color, width };
}

export interface TextEditorProps {
  readonly editing: Editing;
  readonly view: View;
  onChange(text: string): void;
  commit(): void;
  cancel(): void;
}

export function TextEditor({ editing, view, onChange, commit, cancel }: TextEditorProps): ReactElement {
  const note = editing.kind === 'note';
  const turned = editing.rotation ? `rotate(${editing.rotation}deg)` : undefined;
  const style = note
    ? {
        left: editing.x * view.zoom + view.x,
        top: editing.y * view.zoom + view.y,
        width: Math.abs(editing.w ?? NOTE_SIZE) * view.zoom,
        height: Math.abs(editing.h ?? NOTE_SIZE) * view.zoom,
        padding: NOTE_PADDING * view.zoom,
        fontSize: NOTE_FONT_SIZE * view.zoom,
        background: paperOf({ fill: editing.fill ?? null }),
        color: NOTE_INK,
        ...(turned ? { transform: turned, transformOrigin: 'center' } : {}),
      }
    : { left: editing.x * view.zoom + view.x, top: editing.y * view.zoom + view.y, ...(turned ? { transform: turned, transformOrigin: '0 0' } : {}) };
  return (
    <textarea className={`${WB}-text-editor`} data-kind={editing.kind} aria-label={note ? 'Sticky note text' : 'Text note'} autoFocus value={editing.text} style={style}
      onChange={(e) => onChange(e.target.value)} onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
        else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
      }} />
  );
}
