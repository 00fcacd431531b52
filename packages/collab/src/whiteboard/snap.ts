/**
 * [BOARD-43] Snap to grid, pure: with it on, what one draws, drags or resizes lands on the board's
 * grid (the dots of BOARD-42, every GRID units). A drag keeps the pressed shape's top-left corner on
 * a dot, so a selection moves by whole grid steps and shapes drawn on the grid stay on it.
 */
import type { Point } from './geometry.js';
import { GRID } from './viewport.js';

/** The nearest grid point. */
export const snapPoint = (p: Point, grid: number = GRID): Point => ({ x: Math.round(p.x / grid) * grid, y: Math.round(p.y / grid) * grid });

/** How far to move, near `by`, so that `anchor` lands on the grid. */
export function snapOffset(anchor: Point, by: Point, grid: number = GRID): Point {
  const to = snapPoint({ x: anchor.x + by.x, y: anchor.y + by.y }, grid);
  return { x: to.x - anchor.x, y: to.y - anchor.y };
}
