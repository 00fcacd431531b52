/**
 * [BOARD-44] Flipping shapes, pure: each shape's patch for mirroring the selection about the centre
 * of the box round it (a single rectangle, ellipse, note, picture or text about its own box's
 * centre, so it stays put), worked out from the shapes as drawn. A stroke, line or arrow has its
 * points mirrored. A box shape has its box mirrored to the other side and its angle mirrored, but
 * what is in it stays readable: a picture's pixels and a note's or text's letters are not mirrored
 * (the schema has no field for a mirrored box, and a mirrored word is rarely what one wants).
 */
import { centreOfBox, normalizeDegrees, type Point } from './geometry.js';
import { frameOf } from './hit-test.js';
import { rotationPivot } from './rotate.js';
import { isConnector, isTurnable, type Shape, type ShapePatch } from './shape.js';

/** Horizontal: left and right swap (about a vertical axis); vertical: top and bottom swap. */
export type FlipAxis = 'horizontal' | 'vertical';

export const FLIP_AXES: readonly FlipAxis[] = ['horizontal', 'vertical'];

/**
 * The patch mirroring `shape` (as drawn) about `pivot`. A connector's end attached to a shape not in
 * `flipping` is let go where it lands, as rotatePatch does (BOARD-30); an end attached to a shape that
 * flips with it stays attached and follows it.
 */
export function flipPatch(shape: Shape, axis: FlipAxis, pivot: Point, flipping: ReadonlySet<string>): ShapePatch {
  const h = axis === 'horizontal';
  const mirror = (p: Point): Point => (h ? { x: 2 * pivot.x - p.x, y: p.y } : { x: p.x, y: 2 * pivot.y - p.y });
  if (isTurnable(shape.kind)) {
    // The box moves so its centre lands on the mirrored centre; a turn of θ reads as one of −θ in a mirror.
    const c = centreOfBox(frameOf(shape));
    const to = mirror(c);
    return {
      ...(h ? { x: shape.x + to.x - c.x } : { y: shape.y + to.y - c.y }),
      ...(shape.rotation ? { rotation: normalizeDegrees(360 - shape.rotation) } : {}),
    };
  }
  const origin = mirror({ x: shape.x, y: shape.y });
  const negate = (n: number): number => -n || 0; // never -0: it reads as 0 but is a change to write
  if (shape.kind === 'pen') {
    // Points are relative to the origin: mirrored about it, then the origin goes to its mirrored place.
    const points = shape.points.slice();
    for (let i = h ? 0 : 1; i < points.length; i += 3) points[i] = negate(points[i]!);
    return { x: origin.x, y: origin.y, points };
  }
  return {
    x: origin.x,
    y: origin.y,
    w: h ? negate(shape.w) : shape.w,
    h: h ? shape.h : negate(shape.h),
    ...(isConnector(shape.kind) && shape.from !== undefined && !flipping.has(shape.from) ? { from: null } : {}),
    ...(isConnector(shape.kind) && shape.to !== undefined && !flipping.has(shape.to) ? { to: null } : {}),
  };
}

/** Every shape's patch for flipping them together about `pivot` (default: the centre of the box round them all). */
export function flipPatches(shapes: readonly Shape[], axis: FlipAxis, pivot: Point | undefined = rotationPivot(shapes)): Array<{ id: string; patch: ShapePatch }> {
  if (!pivot) return [];
  const flipping = new Set(shapes.map((s) => s.id));
  return shapes.map((shape) => ({ id: shape.id, patch: flipPatch(shape, axis, pivot, flipping) }));
}
