/**
 * The pointer gestures of the whiteboard (BOARD-10) as data: what one press is doing until it lifts,
 * and where a pointer falls on the board. usePointerTools runs them.
 */
import type { Box, Point } from '../../whiteboard/geometry.js';
import type { Shape } from '../../whiteboard/shape.js';

export interface View {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** A box on the board (a selection marquee), the geometry's own. */
export type { Box };

export type Gesture =
  | { kind: 'pen'; pointer: number; origin: { x: number; y: number }; points: number[] }
  | { kind: 'shape'; pointer: number; id: string; start: { x: number; y: number }; last: { x: number; y: number }; end: () => void }
  /** `moved` so far from the press at `origin`; `anchor`, the pressed shape's box corner, is what snaps to the grid (BOARD-43). */
  | { kind: 'move'; pointer: number; ids: readonly string[]; origin: Point; moved: Point; anchor: Point; end: () => void }
  | { kind: 'resize'; pointer: number; shape: Shape; start: { x: number; y: number }; end: () => void }
  /** `turn` holds the pivot and how far it has gone (drawn by the selection layer, BOARD-41). */
  | { kind: 'rotate'; pointer: number; shapes: readonly Shape[]; from: number; turn: Turning; end: () => void }
  | { kind: 'erase'; pointer: number; end: () => void }
  | { kind: 'laser'; pointer: number }
  | { kind: 'marquee'; pointer: number; start: { x: number; y: number }; base: readonly string[] }
  | { kind: 'pan'; pointer: number; client: { x: number; y: number }; view: View }
  | { kind: 'pinch'; pointer: number; distance: number; mid: { x: number; y: number }; view: View };

/**
 * [BOARD-41] A turn under way: the box round the selection when it began, the pivot, and the
 * degrees turned so far. The rotate handle is drawn on that box, turned with it: the box round the
 * turned shapes grows and shrinks as they go round, and a handle on it would jump from the pointer.
 */
export interface Turning {
  readonly around: Box;
  readonly pivot: Point;
  readonly by: number;
  /** The handle pressed: above the selection (-1) or below it (1); it stays there until the turn ends. */
  readonly away: -1 | 1;
}

export const middle = (a: { x: number; y: number }, b: { x: number; y: number }) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** A click with a shape tool (no drag) still makes a visible shape of this size. */
export const CLICK_SIZE = { w: 120, h: 80 };

/** Where a pointer (or drag) event on the surface falls on the board, in board units. */
export function boardPoint(e: { readonly clientX: number; readonly clientY: number; readonly currentTarget: Element }, view: View): { x: number; y: number } {
  const rect = e.currentTarget.getBoundingClientRect();
  return { x: (e.clientX - rect.left - view.x) / view.zoom, y: (e.clientY - rect.top - view.y) / view.zoom };
}
