/**
 * [BOARD-40] Groups, as Excalidraw and tldraw have them: shapes that share a `group` id are one
 * thing to the pointer. A click on one picks them all, a selection box picks a group only when it
 * encloses all of it, and copies get a group of their own. Pure: lists of shapes in, ids out.
 */
import type { Shape } from './shape.js';

/** `ids`, and every shape of `shapes` in a group with one of them (after them, back to front). */
export function withGroups(shapes: readonly Shape[], ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const groups = new Set(shapes.flatMap((s) => (wanted.has(s.id) && s.group !== undefined ? [s.group] : [])));
  if (groups.size === 0) return [...ids];
  return [...ids, ...shapes.filter((s) => !wanted.has(s.id) && s.group !== undefined && groups.has(s.group)).map((s) => s.id)];
}

/**
 * Of `inside` (shapes a selection box encloses), the ungrouped ones and the groups wholly inside:
 * a group with a member of `shapes` outside the box is left out, all of it.
 */
export function wholeGroupsWithin(shapes: readonly Shape[], inside: readonly string[]): string[] {
  const enclosed = new Set(inside);
  const broken = new Set(shapes.flatMap((s) => (s.group !== undefined && !enclosed.has(s.id) ? [s.group] : [])));
  const byId = new Map(shapes.map((s) => [s.id, s]));
  return inside.filter((id) => {
    const group = byId.get(id)?.group;
    return group === undefined || !broken.has(group);
  });
}

/** Whether the shapes form more than one thing to group: at least two, not already all one group. */
export function canGroup(selected: readonly Shape[]): boolean {
  return selected.length >= 2 && !(selected[0]!.group !== undefined && selected.every((s) => s.group === selected[0]!.group));
}

/**
 * [BOARD-40] Copies keep their grouping among themselves, in groups of their own: each group of the
 * originals becomes a new id (`fresh()` per group), so a copy is never part of the original's group.
 */
export function regroup<T extends { readonly group?: string }>(shapes: readonly T[], fresh: () => string): T[] {
  const renamed = new Map<string, string>();
  return shapes.map((shape) => {
    if (shape.group === undefined) return shape;
    let group = renamed.get(shape.group);
    if (group === undefined) renamed.set(shape.group, (group = fresh()));
    return { ...shape, group };
  });
}
