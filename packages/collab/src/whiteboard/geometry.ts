/**
 * [BOARD-41] Plane geometry for turned shapes, framework-free and shape-free (shape.ts and the
 * hit-testing read it, so it imports nothing). Angles are degrees clockwise on the screen (the board's
 * y axis points down), as SVG's `rotate()` takes them, so the document, the drawing and the export agree.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** An angle as stored: in [0, 360), with -0 and float dust at a full turn read as 0. */
export function normalizeDegrees(degrees: number): number {
  const turned = ((degrees % 360) + 360) % 360;
  return Math.abs(turned) < 1e-9 || Math.abs(turned - 360) < 1e-9 ? 0 : turned;
}

/** `point` turned by `degrees` about `pivot`. */
export function turnPoint(point: Point, pivot: Point, degrees: number): Point {
  if (degrees === 0) return point;
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a), sin = Math.sin(a);
  const dx = point.x - pivot.x, dy = point.y - pivot.y;
  return { x: pivot.x + dx * cos - dy * sin, y: pivot.y + dx * sin + dy * cos };
}

export const centreOfBox = (box: Box): Point => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 });

/** The four corners of `box` turned by `degrees` about its centre: top-left, top-right, bottom-right, bottom-left. */
export function turnedCorners(box: Box, degrees: number): [Point, Point, Point, Point] {
  const c = centreOfBox(box);
  const corner = (x: number, y: number): Point => turnPoint({ x, y }, c, degrees);
  return [corner(box.x, box.y), corner(box.x + box.w, box.y), corner(box.x + box.w, box.y + box.h), corner(box.x, box.y + box.h)];
}

/** The axis-aligned box around `box` turned by `degrees` about its centre (the box itself when upright). */
export function turnedBounds(box: Box, degrees: number): Box {
  if (degrees === 0) return box;
  const corners = turnedCorners(box, degrees);
  const xs = corners.map((p) => p.x), ys = corners.map((p) => p.y);
  const x = Math.min(...xs), y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** The smallest axis-aligned box around several boxes. */
export function unionOf(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (const b of boxes) {
    left = Math.min(left, b.x); top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.w); bottom = Math.max(bottom, b.y + b.h);
  }
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** The angle (degrees, clockwise) of the direction from `pivot` to `point`; 0 points right. */
export const angleOf = (pivot: Point, point: Point): number => (Math.atan2(point.y - pivot.y, point.x - pivot.x) * 180) / Math.PI;
