/**
 * [BOARD-18] Resizing a shape by the handle at the bottom-right corner of its box: the box's top-left
 * corner stays, the bottom-right one follows the handle, and the shape is scaled to fit — a
 * rectangle's or ellipse's size, a line's or arrow's end, every point of a pen stroke. Pure: the
 * component computes each frame's patch from the shape as it was when the drag began, so the
 * rounding of one frame never accumulates into the next.
 */
import { turnedCorners, turnPoint } from './geometry.js';
import { isCoordinate, shapeBounds, uprightBox, type Shape } from './shape.js';

/** A resize writes geometry only. */
export type ResizePatch = Partial<Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'points'>>;

/**
 * [BOARD-41] A turned shape's handle is its turned box's bottom-right corner: the drag is read along
 * the box's own sides, and its top-left corner stays where it is on the board.
 */
function turnedResize(shape: Shape & { rotation: number }, dx: number, dy: number): ResizePatch {
  const box = uprightBox(shape);
  const along = turnPoint({ x: dx, y: dy }, { x: 0, y: 0 }, -shape.rotation);
  const size = (was: number, delta: number): number => (was < 1 ? was : Math.max(MIN_RESIZE, was + delta));
  const w = size(box.w, along.x), h = size(box.h, along.y);
  const [topLeft] = turnedCorners(box, shape.rotation);
  const centre = turnPoint({ x: topLeft.x + w / 2, y: topLeft.y + h / 2 }, topLeft, shape.rotation);
  return { x: centre.x - w / 2, y: centre.y - h / 2, w, h };
}

/** Smallest box a resize leaves, in board units: a shape never collapses to nothing under the cursor. */
export const MIN_RESIZE = 4;

/** Whether a shape has a resize handle: a text takes its size from its text (a sticky note has one). */
export const isResizable = (shape: Shape): boolean => shape.kind !== 'text';

/**
 * The patch that moves the bottom-right corner of `shape`'s box by (dx, dy), scaling the shape
 * about the box's top-left corner; undefined for a shape without a handle or a result off the board.
 * A box with no height (a horizontal line) keeps its height, and likewise for width.
 */
export function resizePatch(shape: Shape, dx: number, dy: number): ResizePatch | undefined {
  if (!isResizable(shape) || !Number.isFinite(dx) || !Number.isFinite(dy)) return undefined;
  if (shape.rotation) {
    const patch = turnedResize({ ...shape, rotation: shape.rotation }, dx, dy);
    return [patch.x, patch.y, patch.w, patch.h].every(isCoordinate) ? patch : undefined;
  }
  const box = shapeBounds(shape);
  const scale = (size: number, delta: number): number => (size < 1 ? 1 : Math.max(MIN_RESIZE, size + delta) / size);
  const sx = scale(box.w, dx), sy = scale(box.h, dy);
  const x = box.x + (shape.x - box.x) * sx, y = box.y + (shape.y - box.y) * sy;
  const patch: ResizePatch =
    shape.kind === 'pen'
      ? { x, y, points: shape.points.map((v, i) => (i % 3 === 0 ? v * sx : i % 3 === 1 ? v * sy : v)) }
      : { x, y, w: shape.w * sx, h: shape.h * sy };
  const numbers = [patch.x, patch.y, patch.w ?? 0, patch.h ?? 0, ...(patch.points ?? [])];
  return numbers.every(isCoordinate) ? patch : undefined;
}
