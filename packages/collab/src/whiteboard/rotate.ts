/**
 * [BOARD-41] Rotating shapes about a point, pure: what each shape's patch is, worked out from the
 * shapes as they were when the rotation began (a drag computes every frame from its start, so no
 * rounding accumulates). A rectangle, ellipse, sticky note, picture or text keeps its box and gets
 * an angle, so a member moving or resizing it meanwhile composes with the turn (each writes its own
 * fields); a stroke, line or arrow has its points turned. A shape's box here is the one it is drawn
 * in (`frameOf`: a text's is where its characters are estimated to go), so the turn, the drawing,
 * the hit-testing and the outlines share one pivot. Several shapes turn about the centre of the box
 * around them all, as one piece.
 */
import { centreOfBox, normalizeDegrees, turnedCorners, turnPoint, unionOf, type Point } from './geometry.js';
import { boxOf, frameOf } from './hit-test.js';
import { isConnector, isTurnable, type Shape, type ShapePatch } from './shape.js';

/** Degrees a rotation snaps to with Shift held, and one key press turns (Shift+. and Shift+,). */
export const ROTATE_STEP = 15;

/** The point several shapes turn about: the centre of the box around them all. */
export function rotationPivot(shapes: readonly Shape[]): Point | undefined {
  // One turnable shape: its box's own centre, exactly, so a turn writes no x or y (no float dust)
  // and a member moving it meanwhile keeps their move.
  if (shapes.length === 1 && isTurnable(shapes[0]!.kind)) return centreOfBox(frameOf(shapes[0]!));
  const box = unionOf(shapes.map(boxOf));
  return box && centreOfBox(box);
}

/**
 * How much to turn by so that `from` (a shape's angle when the drag began) plus the result lands
 * on a multiple of `step`: a single shape snaps to 0°, 15°, 30°… whatever angle it started at.
 */
export function snapRotation(from: number, by: number, step: number = ROTATE_STEP): number {
  return Math.round((from + by) / step) * step - from;
}

/**
 * The patch turning `shape` (as drawn) by `degrees` about `pivot`. A connector's end attached to a
 * shape not in `turning` is let go where it lands, as a move does (BOARD-30).
 */
export function rotatePatch(shape: Shape, degrees: number, pivot: Point, turning: ReadonlySet<string>): ShapePatch {
  if (isTurnable(shape.kind)) {
    const c = centreOfBox(frameOf(shape));
    const to = turnPoint(c, pivot, degrees);
    return { x: shape.x + to.x - c.x, y: shape.y + to.y - c.y, rotation: normalizeDegrees((shape.rotation ?? 0) + degrees) };
  }
  const origin = turnPoint({ x: shape.x, y: shape.y }, pivot, degrees);
  if (shape.kind === 'pen') {
    const points = shape.points.slice();
    for (let i = 0; i + 1 < points.length; i += 3) {
      const p = turnPoint({ x: points[i]!, y: points[i + 1]! }, { x: 0, y: 0 }, degrees);
      points[i] = p.x;
      points[i + 1] = p.y;
    }
    return { x: origin.x, y: origin.y, points };
  }
  const end = turnPoint({ x: shape.x + shape.w, y: shape.y + shape.h }, pivot, degrees);
  return {
    x: origin.x,
    y: origin.y,
    w: end.x - origin.x,
    h: end.y - origin.y,
    ...(isConnector(shape.kind) && shape.from !== undefined && !turning.has(shape.from) ? { from: null } : {}),
    ...(isConnector(shape.kind) && shape.to !== undefined && !turning.has(shape.to) ? { to: null } : {}),
  };
}

/** Every shape's patch for turning them together by `degrees` about `pivot` (default: their common centre). */
export function rotatePatches(shapes: readonly Shape[], degrees: number, pivot: Point | undefined = rotationPivot(shapes)): Array<{ id: string; patch: ShapePatch }> {
  if (!pivot || !Number.isFinite(degrees)) return [];
  const turning = new Set(shapes.map((s) => s.id));
  return shapes.map((shape) => ({ id: shape.id, patch: rotatePatch(shape, degrees, pivot, turning) }));
}

/**
 * [BOARD-41] The patch writing `text` into a shape as its editor commits it. A text's box, and so
 * the pivot it is turned about, grows and shrinks with its characters: a turned text also gets the
 * x and y that keep its turned top-left corner, where its first line starts, where it is on the
 * board, so it grows along its own line as it does upright instead of sliding across the board.
 */
export function textPatch(shape: Shape | undefined, text: string): ShapePatch {
  if (shape?.kind !== 'text' || !shape.rotation) return { text };
  const was = turnedCorners(frameOf(shape), shape.rotation)[0];
  const now = turnedCorners(frameOf({ ...shape, text }), shape.rotation)[0];
  return { text, x: shape.x + was.x - now.x, y: shape.y + was.y - now.y };
}
