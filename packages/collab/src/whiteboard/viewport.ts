/**
 * What part of the board a member sees (BOARD-15), and the view that shows another member's part:
 * the arithmetic of follow mode, framework-free. A view maps board points to the screen as
 * `screen = board × zoom + (x, y)`; a viewport is the board rectangle a view shows on a surface.
 */
import { isCoordinate } from './shape.js';

export interface BoardView {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** A rectangle of the board, in board units. */
export interface BoardViewport {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 8;
export const clampZoom = (zoom: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));

/** Presence carries it 20 times a second at most: a tenth of a board unit is finer than any screen shows. */
const tenth = (n: number): number => Math.round(n * 10) / 10;

/** The board rectangle `view` shows on a surface of `size` screen pixels. */
export function viewportOf(view: BoardView, size: { readonly width: number; readonly height: number }): BoardViewport {
  return { x: tenth(-view.x / view.zoom), y: tenth(-view.y / view.zoom), w: tenth(size.width / view.zoom), h: tenth(size.height / view.zoom) };
}

/**
 * The view that shows all of `target` on a surface of `size`, centred: the largest zoom (within the
 * component's limits) at which the whole rectangle fits, so a follower on a smaller screen still
 * sees everything the followed member does, and one on a larger screen sees a margin around it.
 */
export function viewShowing(target: BoardViewport, size: { readonly width: number; readonly height: number }): BoardView {
  const zoom = clampZoom(Math.min(size.width / target.w, size.height / target.h));
  const cx = target.x + target.w / 2, cy = target.y + target.h / 2;
  return { zoom, x: size.width / 2 - cx * zoom, y: size.height / 2 - cy * zoom };
}

/**
 * [BOARD-22] Where a box placed at (x, y) goes so that it is wholly in `viewport` (with `margin`),
 * moved as little as it takes; along an axis where it is larger than the viewport, it stays.
 */
export function nudgeIntoView(box: BoardViewport, viewport: BoardViewport, margin = 0): { x: number; y: number } {
  const along = (at: number, size: number, from: number, span: number): number =>
    size + 2 * margin > span ? at : Math.min(Math.max(at, from + margin), from + span - margin - size);
  return { x: along(box.x, box.w, viewport.x, viewport.w), y: along(box.y, box.h, viewport.y, viewport.h) };
}

/** Another member's viewport read defensively: anything malformed, empty or absurdly large is none. */
export function readViewport(value: unknown): BoardViewport | null {
  if (typeof value !== 'object' || value === null) return null;
  const { x, y, w, h } = value as Record<string, unknown>;
  if (!isCoordinate(x) || !isCoordinate(y) || !isCoordinate(w) || !isCoordinate(h) || !(w > 0 && h > 0)) return null;
  return { x, y, w, h };
}

/** Board units between the dots of the board's grid. */
export const GRID = 20;

/**
 * [BOARD-42] Where the grid's dots fall on the surface for a view (CSS pixels): they pan and zoom
 * with the board, so a shape sits on the same dots wherever one scrolls; the dots stand on the
 * board's multiples of GRID. Zoomed far out, every
 * second (fourth…) dot is left out so they stay at least 10 px apart instead of greying the board.
 */
export function gridOf(view: BoardView): { size: number; x: number; y: number } {
  let size = GRID * view.zoom;
  while (size < 10) size *= 2;
  // The CSS dot is drawn in the middle of its tile: the tiles start half a tile early so the dots
  // stand on the board's multiples of GRID.
  const offset = (v: number): number => (((v - size / 2) % size) + size) % size;
  return { size, x: offset(view.x), y: offset(view.y) };
}
