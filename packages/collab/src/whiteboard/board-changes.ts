/**
 * [BOARD-39] What changed on a board between two moments, in the words a person choosing a version
 * wants: how many shapes were added since, removed since, and changed (moved, restyled, retyped).
 * Pure: two lists of shapes in, three counts out.
 */
import { SHAPE_FIELDS, type Shape } from './shape.js';

export interface BoardChanges {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

const sameValue = (x: unknown, y: unknown): boolean =>
  x === y || (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i])); // a stroke's points

const same = (a: Shape, b: Shape): boolean => SHAPE_FIELDS.every((key) => sameValue(a[key as keyof Shape], b[key as keyof Shape]));

/** How `now` differs from `then`, shape by shape (by id). */
export function boardChanges(then: readonly Shape[], now: readonly Shape[]): BoardChanges {
  const before = new Map(then.map((shape) => [shape.id, shape]));
  let added = 0;
  let changed = 0;
  for (const shape of now) {
    const old = before.get(shape.id);
    if (!old) added++;
    else if (!same(old, shape)) changed++;
    before.delete(shape.id);
  }
  return { added, removed: before.size, changed };
}

/** The counts as a sentence: `Since then: 2 shapes added, 1 removed, 3 changed.`, or that nothing changed. */
export function describeBoardChanges({ added, removed, changed }: BoardChanges): string {
  const shapes = (n: number): string => (n === 1 ? '1 shape' : `${n} shapes`);
  const parts = [added > 0 ? `${added} added` : '', removed > 0 ? `${removed} removed` : '', changed > 0 ? `${changed} changed` : ''].filter(Boolean);
  if (parts.length === 0) return 'The board is the same now.';
  // The first count carries the noun: "2 shapes added, 1 removed".
  const first = parts[0]!.split(' ');
  parts[0] = `${shapes(Number(first[0]))} ${first.slice(1).join(' ')}`;
  return `Since then: ${parts.join(', ')}.`;
}
