/**
 * What the toolbar and the keys do to the selected shapes: delete, recolour, change the stroke,
 * move by a step, [BOARD-35] lock and unlock, [BOARD-40] group and ungroup, [BOARD-41] turn and
 * [BOARD-44] flip. Each is one transaction, so one undo step, and
 * acts on the shapes as they are now (another member may have changed them meanwhile).
 */
import type { Board } from '../../whiteboard/board.js';
import { movePatch } from '../../whiteboard/connectors.js';
import { notePaper } from '../../whiteboard/sticky-note.js';
import { alignMoves, type Alignment } from '../../whiteboard/align.js';
import type { FlipAxis } from '../../whiteboard/flip.js';
import { ROTATE_STEP } from '../../whiteboard/rotate.js';

/** What a key does to the selection's geometry: turn it by some degrees, or flip it. */
export type TurnOrFlip = { readonly rotate: number } | { readonly flip: FlipAxis };

/**
 * [BOARD-41] Shift+. turns the selection a step clockwise and Shift+, back; [BOARD-44] Shift+H flips
 * it left to right and Shift+V top to bottom (as in Excalidraw and tldraw; V alone is the Select
 * tool). By the letter typed, as the tool keys are, and by the key's place for the turn (Shift+.
 * types `>` on one layout and `:` on another). Undefined for any other key.
 */
export function turnOrFlipKey(e: { key: string; code: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): TurnOrFlip | undefined {
  if (!e.shiftKey || e.ctrlKey || e.metaKey) return undefined;
  if (e.code === 'Period' || e.code === 'Comma') return { rotate: e.code === 'Period' ? ROTATE_STEP : -ROTATE_STEP };
  const letter = e.altKey ? '' : e.key.toLowerCase();
  return letter === 'h' ? { flip: 'horizontal' } : letter === 'v' ? { flip: 'vertical' } : undefined;
}

export interface SelectionActions {
  remove(): void;
  /** [BOARD-28] A note's colour is its paper; its ink stays readable. */
  recolor(color: string): void;
  rewidth(width: number): void;
  /** Moves the selection by (dx, dy) board units; connectors between moved shapes keep their ends. */
  nudge(dx: number, dy: number): void;
  /** [BOARD-35] Locks the selection and lets it go: no pointer picks it until it is unlocked. */
  lock(): void;
  /** [BOARD-35] Unlocks every locked shape on the board. */
  unlockAll(): void;
  /** [BOARD-37] Aligns or distributes the selection. */
  align(how: Alignment): void;
  /** [BOARD-40] Makes the selection one group; `ungroup` takes its shapes out of their groups. */
  group(): void;
  ungroup(): void;
  /** [BOARD-44] Mirrors the selection (not a locked shape) about the centre of the box round it. */
  flip(axis: FlipAxis): void;
  /** [BOARD-41] [BOARD-44] What `turnOrFlipKey` read. */
  turnOrFlip(how: TurnOrFlip): void;
}

export function selectionActions(board: Board | null, selected: readonly string[], setSelection: (ids: readonly string[]) => void): SelectionActions {
  const each = (fn: (board: Board, id: string) => void): void => {
    if (board && selected.length > 0) board.transact(() => selected.forEach((id) => fn(board, id)));
  };
  return {
    remove: () => {
      if (board && selected.length > 0) board.remove(selected);
      setSelection([]);
    },
    recolor: (color) => each((b, id) => b.update(id, b.shape(id)?.kind === 'note' ? { fill: notePaper(color) } : { color })),
    rewidth: (width) => each((b, id) => b.update(id, { width })),
    nudge: (dx, dy) => {
      const moving = new Set(selected);
      each((b, id) => {
        const s = b.shape(id);
        if (s) b.update(id, movePatch(s, dx, dy, moving));
      });
    },
    lock: () => {
      each((b, id) => b.update(id, { locked: true }));
      setSelection([]);
    },
    align: (how) => {
      if (!board) return;
      const moving = new Set(selected);
      const moves = alignMoves(selected.flatMap((id) => board.shape(id) ?? []), how);
      if (moves.length === 0) return;
      board.transact(() => moves.forEach(({ id, dx, dy }) => {
        const s = board.shape(id);
        if (s) board.update(id, movePatch(s, dx, dy, moving));
      }));
    },
    group: () => void board?.group(selected),
    ungroup: () => void board?.ungroup(selected),
    flip: (axis) => void board?.flip(selected, axis),
    turnOrFlip: (how) => void ('rotate' in how ? board?.rotate(selected, how.rotate) : board?.flip(selected, how.flip)),
    unlockAll: () => {
      const locked = board?.shapes().filter((s) => s.locked) ?? [];
      if (board && locked.length > 0) board.transact(() => locked.forEach((s) => board.update(s.id, { locked: false })));
    },
  };
}
