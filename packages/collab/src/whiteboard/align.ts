/**
 * [BOARD-37] Aligning and distributing the selected shapes, as every diagram tool does: line their
 * boxes up on an edge or a centre of the box around them all, or space them evenly between the
 * two outermost. Pure: it says how far each shape moves; the caller writes the moves as one step.
 * A line or arrow attached to shapes is left out (it follows the shapes it joins, BOARD-30).
 */
import { unionOf } from './geometry.js';
import { boxOf } from './hit-test.js';
import { isConnector, type Shape } from './shape.js';

export const ALIGNMENTS = ['left', 'center', 'right', 'top', 'middle', 'bottom', 'distribute-x', 'distribute-y'] as const;
export type Alignment = (typeof ALIGNMENTS)[number];

export interface AlignMove {
  readonly id: string;
  readonly dx: number;
  readonly dy: number;
}

const attached = (s: Shape): boolean => isConnector(s.kind) && (s.from !== undefined || s.to !== undefined);

/** How far each of `shapes` moves (only those that move); nothing for fewer than 2 (3 to distribute). */
export function alignMoves(shapes: readonly Shape[], how: Alignment): AlignMove[] {
  const items = shapes.filter((s) => !attached(s)).map((s) => ({ id: s.id, box: boxOf(s) }));
  const distribute = how === 'distribute-x' || how === 'distribute-y';
  if (items.length < (distribute ? 3 : 2)) return [];
  const moves: AlignMove[] = [];
  const add = (id: string, dx: number, dy: number): void => {
    if (Math.abs(dx) > 1e-9 || Math.abs(dy) > 1e-9) moves.push({ id, dx, dy });
  };
  if (distribute) {
    const horizontal = how === 'distribute-x';
    const start = (b: { x: number; y: number }) => (horizontal ? b.x : b.y);
    const size = (b: { w: number; h: number }) => (horizontal ? b.w : b.h);
    const sorted = [...items].sort((a, b) => start(a.box) + size(a.box) / 2 - (start(b.box) + size(b.box) / 2));
    const first = sorted[0]!.box, last = sorted[sorted.length - 1]!.box;
    const span = start(last) + size(last) - start(first);
    const gap = (span - sorted.reduce((sum, i) => sum + size(i.box), 0)) / (sorted.length - 1);
    let at = start(first);
    for (const item of sorted) {
      const d = at - start(item.box);
      add(item.id, horizontal ? d : 0, horizontal ? 0 : d);
      at += size(item.box) + gap;
    }
    return moves;
  }
  const all = unionOf(items.map((i) => i.box))!;
  const left = all.x, top = all.y, right = all.x + all.w, bottom = all.y + all.h;
  for (const { id, box } of items) {
    switch (how) {
      case 'left': add(id, left - box.x, 0); break;
      case 'center': add(id, (left + right) / 2 - (box.x + box.w / 2), 0); break;
      case 'right': add(id, right - (box.x + box.w), 0); break;
      case 'top': add(id, 0, top - box.y); break;
      case 'middle': add(id, 0, (top + bottom) / 2 - (box.y + box.h / 2)); break;
      case 'bottom': add(id, 0, bottom - (box.y + box.h)); break;
    }
  }
  return moves;
}
