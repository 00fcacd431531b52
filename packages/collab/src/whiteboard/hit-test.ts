/** Which shape is under a point (BOARD-10): for selecting, moving and erasing, topmost first. */
import { centreOfBox, turnedBounds, turnPoint, type Box } from './geometry.js';
import { shapeBounds, uprightBox, type Shape } from './shape.js';
import { textExtent } from './text-box.js';

function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1, dy = y2 - y1;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/** True if (x, y) is on the shape, within `tolerance` board units of its line or inside its box. */
export function hits(shape: Shape, x: number, y: number, tolerance: number): boolean {
  const reach = tolerance + shape.width / 2;
  if (shape.kind === 'line' || shape.kind === 'arrow') return segmentDistance(x, y, shape.x, shape.y, shape.x + shape.w, shape.y + shape.h) <= reach;
  if (shape.kind === 'pen') {
    const p = shape.points;
    if (p.length === 3) return Math.hypot(x - shape.x - p[0]!, y - shape.y - p[1]!) <= reach;
    for (let i = 0; i + 5 < p.length; i += 3) {
      if (segmentDistance(x, y, shape.x + p[i]!, shape.y + p[i + 1]!, shape.x + p[i + 3]!, shape.y + p[i + 4]!) <= reach) return true;
    }
    return false;
  }
  // [BOARD-41] Against the box upright, the point turned back about its centre (itself when upright).
  const b = frameOf(shape);
  const p = turnPoint({ x, y }, centreOfBox(b), -(shape.rotation ?? 0));
  return p.x >= b.x - reach && p.x <= b.x + b.w + reach && p.y >= b.y - reach && p.y <= b.y + b.h + reach;
}

/**
 * The box a shape takes on the board: its bounds, and for a text the room its characters take
 * ([BOARD-41] turned with it: the box round its turned frame).
 */
export function boxOf(shape: Shape): Box {
  return shape.kind === 'text' ? turnedBounds(frameOf(shape), shape.rotation ?? 0) : shapeBounds(shape);
}

/**
 * [BOARD-41] The box a shape is drawn in before it is turned (its `transform` turns it about the
 * box's centre): a text's where its characters are estimated to go. What outlines are drawn round,
 * and the pivot a turnable shape turns about on its own.
 */
export function frameOf(shape: Shape): Box {
  const b = uprightBox(shape);
  if (shape.kind !== 'text') return b;
  // [BOARD-10] Round its lines as drawn: the longest's width, every line's height.
  const room = textExtent(shape.text, shape.width);
  return { x: b.x, y: b.y, w: Math.max(b.w, room.w), h: Math.max(b.h, room.h) };
}

/** The topmost shape at (x, y), if any. `shapes` is back to front, as `board.shapes()` returns. */
export function shapeAt(shapes: readonly Shape[], x: number, y: number, tolerance = 4): Shape | undefined {
  for (let i = shapes.length - 1; i >= 0; i--) if (hits(shapes[i]!, x, y, tolerance)) return shapes[i];
  return undefined;
}

/**
 * [BOARD-32] The shapes wholly inside a box (a selection marquee), back to front: a shape the box
 * only grazes is left out, so dragging across a crowded board picks what one meant.
 */
export function shapesWithin(shapes: readonly Shape[], box: { x: number; y: number; w: number; h: number }): Shape[] {
  const left = Math.min(box.x, box.x + box.w), right = Math.max(box.x, box.x + box.w);
  const top = Math.min(box.y, box.y + box.h), bottom = Math.max(box.y, box.y + box.h);
  return shapes.filter((shape) => {
    const b = boxOf(shape);
    return b.x >= left && b.y >= top && b.x + b.w <= right && b.y + b.h <= bottom;
  });
}
