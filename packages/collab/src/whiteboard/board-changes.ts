/**
 * [BOARD-39] What changed on a board between two moments, in the words a person choosing a version
 * wants: how many shapes were added since, removed since, and changed (moved, restyled, retyped).
 * Pure: two lists of shapes in, three counts out.
 */
import { sameShape, type Shape } from './shape.js';

export interface BoardChanges {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}


/** How `now` differs from `then`, shape by shape (by id). */
export function boardChanges(then: readonly Shape[], now: readonly Shape[]): BoardChanges {
  const before = new Map(then.map((shape) => [shape.id, shape]));
  let added = 0;
  let changed = 0;
  for (const shape of now) {
    const old = before.get(shape.id);
    if (!old) added++;
    else if (!sameShape(old, shape)) changed++;
    before.delete(shape.id);
  }
  return { added, removed: before.size, changed };
}

/** The counts as a sentence: `Since then: 2 shapes added, 1 removed, 3 changed.`, or that nothing changed. */
export function describeBoardChanges({ added, removed, changed }: BoardChanges): string {
  const parts = ([[added, 'added'], [removed, 'removed'], [changed, 'changed']] as const).filter(([n]) => n > 0);
  if (parts.length === 0) return 'The board is the same now.';
  // The first count carries the noun: "2 shapes added, 1 removed".
  const said = parts.map(([n, what], i) => (i > 0 ? `${n} ${what}` : `${n} ${n === 1 ? 'shape' : 'shapes'} ${what}`));
  return `Since then: ${said.join(', ')}.`;
}
