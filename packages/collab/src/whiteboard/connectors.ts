/**
 * [BOARD-30] Connectors: a line or an arrow whose ends are attached to shapes. The document keeps
 * which shapes (`from`, `to`) beside the geometry as last written; where an attached end is drawn is
 * worked out from its shape as it is now. So an arrow follows a box whichever member moves it, with
 * no write of its own: nothing to conflict with the move, nothing in anyone's undo history, and a
 * client from before connectors still draws the arrow where it was last written.
 */
import { turnPoint, type Point } from './geometry.js';
import { boxOf, shapeAt } from './hit-test.js';
import { isConnector, type Shape, type ShapePatch } from './shape.js';

/** Board units between an attached end and its shape's edge: an arrow's head stays clear of the outline. */
export const ATTACH_GAP = 6;

/** Shapes an end may attach to: those with an inside (not strokes, lines or arrows). */
export const isAttachable = (shape: Shape): boolean =>
  shape.kind === 'rect' || shape.kind === 'ellipse' || shape.kind === 'text' || shape.kind === 'note' || shape.kind === 'image';

/** The topmost shape an end dropped at (x, y) attaches to, if any; `except` is never chosen. */
export function attachableAt(shapes: readonly Shape[], x: number, y: number, tolerance: number, except?: string): Shape | undefined {
  return shapeAt(shapes.filter((s) => isAttachable(s) && s.id !== except), x, y, tolerance);
}

const centreOf = (shape: Shape): Point => {
  const b = boxOf(shape);
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
};

/**
 * Where the ray from `shape`'s centre toward `toward` leaves the shape (its ellipse for an ellipse,
 * else its box), moved `gap` plus half the outline's width further out. The centre itself when
 * `toward` is the centre: there is no direction to leave by.
 */
export function edgePoint(shape: Shape, toward: Point, gap: number = ATTACH_GAP): Point {
  const c = centreOf(shape);
  // [BOARD-41] A turned shape: found against its box upright, toward the point turned back likewise.
  const turn = shape.rotation ?? 0;
  if (turn !== 0) return turnPoint(edgePoint({ ...shape, rotation: 0 }, turnPoint(toward, c, -turn), gap), c, turn);
  const b = boxOf(shape);
  const dx = toward.x - c.x, dy = toward.y - c.y;
  const length = Math.hypot(dx, dy);
  if (length === 0) return c;
  const ux = dx / length, uy = dy / length;
  const rx = b.w / 2, ry = b.h / 2;
  const inside =
    shape.kind === 'ellipse'
      ? rx === 0 || ry === 0 ? 0 : 1 / Math.sqrt((ux * ux) / (rx * rx) + (uy * uy) / (ry * ry))
      : Math.min(ux === 0 ? Infinity : rx / Math.abs(ux), uy === 0 ? Infinity : ry / Math.abs(uy));
  const reach = inside + gap + shape.width / 2;
  return { x: c.x + ux * reach, y: c.y + uy * reach };
}

/**
 * The connector as drawn: each attached end on its shape's edge, aimed at the other shape's centre
 * (or at the free end). An end whose shape is gone, or cannot be attached to, stays where written.
 */
export function withAttachedEnds(shape: Shape, shapeOf: (id: string) => Shape | undefined): Shape {
  if (!isConnector(shape.kind) || (shape.from === undefined && shape.to === undefined)) return shape;
  const find = (id: string | undefined): Shape | undefined => {
    const found = id === undefined ? undefined : shapeOf(id);
    return found && isAttachable(found) ? found : undefined;
  };
  const from = find(shape.from);
  const found = find(shape.to);
  const to = found && found.id !== from?.id ? found : undefined; // both ends on one shape: a dot, so the end stays free
  if (!from && !to) return shape;
  const start0 = { x: shape.x, y: shape.y }, end0 = { x: shape.x + shape.w, y: shape.y + shape.h };
  const start = from ? edgePoint(from, to ? centreOf(to) : end0) : start0;
  const end = to ? edgePoint(to, from ? centreOf(from) : start0) : end0;
  return { ...shape, x: start.x, y: start.y, w: end.x - start.x, h: end.y - start.y };
}

/** Every connector of a back-to-front list drawn with its attached ends (the rest as they are). */
export function attachEnds(shapes: readonly Shape[]): Shape[] {
  const byId = new Map(shapes.map((s) => [s.id, s]));
  return shapes.map((s) => withAttachedEnds(s, (id) => byId.get(id)));
}

/**
 * The patch moving `shape` (as drawn) by (dx, dy) while the shapes in `moving` move with it. A
 * connector's end attached to a shape that stays is let go: dragging an arrow away from its box
 * detaches it, as in other whiteboards. Its geometry is written as drawn, so it lands where seen.
 */
export function movePatch(shape: Shape, dx: number, dy: number, moving: ReadonlySet<string>): ShapePatch {
  const patch: ShapePatch = { x: shape.x + dx, y: shape.y + dy };
  if (!isConnector(shape.kind) || (shape.from === undefined && shape.to === undefined)) return patch;
  return {
    ...patch,
    w: shape.w,
    h: shape.h,
    ...(shape.from !== undefined && !moving.has(shape.from) ? { from: null } : {}),
    ...(shape.to !== undefined && !moving.has(shape.to) ? { to: null } : {}),
  };
}

/** [BOARD-30] Resizing a connector by its handle lets both its ends go: it becomes the line one drags. */
export function letGo(shape: Shape): ShapePatch {
  return isConnector(shape.kind) && (shape.from !== undefined || shape.to !== undefined) ? { from: null, to: null } : {};
}

/**
 * What to write, as one step with a removal, for the connectors attached to removed shapes: the end
 * is let go where it is drawn now, so the arrow stays in view instead of jumping back to where it
 * was first drawn. `drawn` is the board as drawn (connectors resolved).
 */
export function detachFrom(drawn: readonly Shape[], removed: ReadonlySet<string>): Array<{ id: string; patch: ShapePatch }> {
  const out: Array<{ id: string; patch: ShapePatch }> = [];
  for (const s of drawn) {
    if (removed.has(s.id) || !isConnector(s.kind)) continue;
    const fromGone = s.from !== undefined && removed.has(s.from);
    const toGone = s.to !== undefined && removed.has(s.to);
    if (!fromGone && !toGone) continue;
    out.push({ id: s.id, patch: { x: s.x, y: s.y, w: s.w, h: s.h, ...(fromGone ? { from: null } : {}), ...(toGone ? { to: null } : {}) } });
  }
  return out;
}
