/**
 * Whiteboard shapes as plain values, and their validation (BOARD-2). A shape lives in the document
 * as a Y.Map of fields, so two members can change different fields of one shape at once (one moves
 * it, the other recolours it) and both changes survive. What a peer wrote is checked field by field
 * before anything renders it: a malformed shape is skipped, never a crash.
 */
import { assetIdOf } from '../protocol/assets.js';
import { normalizeDegrees, turnedBounds, type Box } from './geometry.js';

export const SHAPE_KINDS = ['pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'image', 'note'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export interface Shape {
  readonly id: string;
  readonly kind: ShapeKind;
  /** Position of the shape's origin; for a pen stroke its points are relative to it. */
  readonly x: number;
  readonly y: number;
  /** Extent: a box for rect, ellipse, text, image and note; the vector to the end point for line and arrow. */
  readonly w: number;
  readonly h: number;
  /** Stacking order: higher is in front; ties are broken by id so every member agrees. */
  readonly z: number;
  readonly color: string;
  /** Stroke width in board units. */
  readonly width: number;
  /** Fill of rect and ellipse; null is none. [BOARD-28] A note's paper (null: yellow). */
  readonly fill: string | null;
  /** Pen points as flat triples `x, y, pressure`, relative to (x, y). */
  readonly points: readonly number[];
  readonly text: string;
  /**
   * [BOARD-22] An image's picture, as a `data:image/(png|jpeg|webp|gif);base64,…` URL: stored in the
   * document with the shape, so it syncs, persists and works offline like the rest of the board.
   * [BOARD-24] Or `asset:<sha-256>`: the picture is the room's asset (COLLAB-47), kept beside the
   * document and fetched by URL, so the document stays small. Only on `image` shapes (which need
   * one); a box of `w` × `h` from (x, y) like a rectangle's.
   */
  readonly src?: string;
  /**
   * [BOARD-25] The same picture, small (at most 128 px on its longest side) and inline: what draws
   * it where its asset cannot be fetched (a server's preview, such as the demo's lobby). Only on
   * `image` shapes, and optional: pictures added before it existed have none.
   */
  readonly thumb?: string;
  /**
   * [BOARD-30] A line's or arrow's start is attached to this shape (a rectangle, ellipse, text,
   * sticky note or picture): drawn from its edge, it follows the shape wherever it goes. Only on
   * `line` and `arrow`; never the shape's own id. Absent: the start is (x, y).
   */
  readonly from?: string;
  /** [BOARD-30] The end's shape, likewise; absent: the end is (x + w, y + h). */
  readonly to?: string;
  /**
   * [BOARD-35] Locked: `<Whiteboard>` lets no pointer select, move, erase or edit it (a background,
   * a template's frame), until someone unlocks it. Read as `true` or absent; `false` in a patch unlocks.
   */
  readonly locked?: boolean;
  /**
   * [BOARD-40] The group the shape is in: shapes with the same `group` are picked, moved, copied and
   * deleted together. A shape id's characters; absent (or `null` in a patch): in no group.
   */
  readonly group?: string;
  /**
   * [BOARD-41] Turned this many degrees clockwise about the centre of its box, in (0, 360). Only on
   * the kinds with a box to turn (`isTurnable`: rectangle, ellipse, sticky note, picture, and a text
   * about the box its characters are estimated to take, `frameOf`); turning a stroke, line or arrow
   * turns its points instead. Absent: upright.
   */
  readonly rotation?: number;
}

/** The fields a caller gives for a new shape; the rest take defaults. */
export type NewShape = Pick<Shape, 'kind' | 'x' | 'y'> & Partial<Omit<Shape, 'id' | 'kind' | 'x' | 'y'>> & { readonly id?: string };

/** Fields a caller may change; the kind and id of a shape never change. `from`/`to` null: detached. */
export type ShapePatch = Partial<Omit<Shape, 'id' | 'kind' | 'from' | 'to' | 'group'>> & { readonly from?: string | null; readonly to?: string | null; readonly group?: string | null };

export const SHAPE_LIMITS = {
  coordinate: 1e7,
  minWidth: 0.5,
  maxWidth: 64,
  points: 3 * 5000,
  text: 10_000,
  id: 64,
  /** An image's data URL, in characters: ~1.5 MB of picture, so a board of a few stays quick to join. */
  src: 2_000_000,
  /** An image's thumbnail data URL, in characters (~6 KB of picture): a few per board cost little to join. */
  thumb: 8_000,
} as const;

/** Every field a shape keeps in the document: what `Board` writes (anything else given is left out). */
export const SHAPE_FIELDS = ['kind', 'x', 'y', 'w', 'h', 'z', 'color', 'width', 'fill', 'points', 'text', 'src', 'thumb', 'from', 'to', 'locked', 'group', 'rotation'] as const;

export const SHAPE_DEFAULTS = { x: 0, y: 0, w: 0, h: 0, z: 0, color: '#1e1e1e', width: 2, fill: null, points: [], text: '' } as const;

/** Raster formats only: an SVG picture could carry script, and a remote URL would tell a third party who views the board. */
const IMAGE_SRC = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;
const COLOR = /^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const ID = /^[A-Za-z0-9_.~-]+$/;

export const isImageSrc = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= SHAPE_LIMITS.src && (IMAGE_SRC.test(value) || assetIdOf(value) !== undefined);
/** [BOARD-25] A thumbnail: an inline raster picture (never an asset: it is there to be drawn without one). */
export const isThumbSrc = (value: unknown): value is string => typeof value === 'string' && value.length <= SHAPE_LIMITS.thumb && IMAGE_SRC.test(value);
export const isColor = (value: unknown): value is string => typeof value === 'string' && COLOR.test(value);
export const isShapeId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= SHAPE_LIMITS.id && ID.test(value);
/** A finite number within the board's ±1e7 (shapes, cursors, strokes and viewports alike). */
export const isCoordinate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= SHAPE_LIMITS.coordinate;
const isKind = (value: unknown): value is ShapeKind => (SHAPE_KINDS as readonly unknown[]).includes(value);

/** Why a field is unusable, or undefined when it is fine. `partial` skips fields that are absent. */
function fieldProblems(fields: Readonly<Record<string, unknown>>, partial: boolean): string | undefined {
  const has = (key: string): boolean => fields[key] !== undefined;
  for (const key of ['x', 'y', 'w', 'h', 'z'] as const) {
    if ((has(key) || (!partial && (key === 'x' || key === 'y'))) && !isCoordinate(fields[key])) return `${key} must be a finite number within ±1e7`;
  }
  if (has('color') && !isColor(fields['color'])) return 'color must be a hex colour (#rgb, #rrggbb, #rrggbbaa)';
  if (has('fill') && fields['fill'] !== null && !isColor(fields['fill'])) return 'fill must be a hex colour or null';
  const width = fields['width'];
  if (has('width') && (typeof width !== 'number' || !(width >= SHAPE_LIMITS.minWidth && width <= SHAPE_LIMITS.maxWidth))) {
    return `width must be a number from ${SHAPE_LIMITS.minWidth} to ${SHAPE_LIMITS.maxWidth}`;
  }
  const points = fields['points'];
  if (has('points') && !(Array.isArray(points) && points.length % 3 === 0 && points.length <= SHAPE_LIMITS.points && points.every(isCoordinate))) {
    return `points must be x, y, pressure triples of finite numbers (at most ${SHAPE_LIMITS.points / 3} points)`;
  }
  const text = fields['text'];
  if (has('text') && !(typeof text === 'string' && text.length <= SHAPE_LIMITS.text)) return `text must be a string of at most ${SHAPE_LIMITS.text} characters`;
  if (has('src') && !isImageSrc(fields['src'])) {
    return `src must be a base64 data URL of a PNG, JPEG, WebP or GIF picture, at most ${SHAPE_LIMITS.src} characters`;
  }
  if (has('thumb') && !isThumbSrc(fields['thumb'])) {
    return `thumb must be a base64 data URL of a PNG, JPEG, WebP or GIF picture, at most ${SHAPE_LIMITS.thumb} characters`;
  }
  if (has('locked') && typeof fields['locked'] !== 'boolean') return 'locked must be true or false';
  const rotation = fields['rotation'];
  if (has('rotation') && !(typeof rotation === 'number' && Number.isFinite(rotation) && Math.abs(rotation) <= 360)) return 'rotation must be a number of degrees from -360 to 360';
  if (has('group') && fields['group'] !== null && !isShapeId(fields['group'])) return 'group must be 1–64 characters from A-Z a-z 0-9 _ . ~ - or null';
  for (const end of ['from', 'to'] as const) {
    if (has(end) && fields[end] !== null && !isShapeId(fields[end])) return `${end} must be a shape id or null`;
  }
  return undefined;
}

/** [BOARD-41] What a rotation on another kind is told. */
export const NOT_TURNABLE = 'only a rectangle, ellipse, sticky note, picture or text has a rotation (board.rotate turns the others)';

/**
 * [BOARD-41] Kinds that keep a box and an angle when turned. A text's box is the one its characters
 * are estimated to take (`frameOf`): it is what is drawn turned, hit and outlined, so it is the pivot
 * too. A stroke, line or arrow has no box of its own to keep: its points turn.
 */
export const isTurnable = (kind: ShapeKind): boolean => kind === 'rect' || kind === 'ellipse' || kind === 'note' || kind === 'image' || kind === 'text';

/** [BOARD-30] Kinds whose ends may be attached to shapes. */
export const isConnector = (kind: ShapeKind): boolean => kind === 'line' || kind === 'arrow';

/** Why a new shape cannot be added, or undefined when it can. */
export function newShapeProblem(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return 'a shape must be an object';
  const fields = input as Readonly<Record<string, unknown>>;
  if (!isKind(fields['kind'])) return `kind must be one of ${SHAPE_KINDS.join(', ')}`;
  if (fields['id'] !== undefined && !isShapeId(fields['id'])) return 'id must be 1–64 characters from A-Z a-z 0-9 _ . ~ -';
  if (fields['kind'] === 'image' && fields['src'] === undefined) return 'an image needs its src';
  if (fields['kind'] !== 'image' && fields['src'] !== undefined) return 'only an image has a src';
  if (fields['kind'] !== 'image' && fields['thumb'] !== undefined) return 'only an image has a thumb';
  if (!isConnector(fields['kind']) && (fields['from'] != null || fields['to'] != null)) return 'only a line or an arrow is attached to shapes';
  if (!isTurnable(fields['kind']) && fields['rotation'] !== undefined && fields['rotation'] !== 0) return NOT_TURNABLE;
  return fieldProblems(fields, false);
}

/** Why a patch cannot be applied, or undefined when it can. */
export function patchProblem(patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null) return 'a patch must be an object';
  const fields = patch as Readonly<Record<string, unknown>>;
  if ('kind' in fields || 'id' in fields) return 'the kind and id of a shape never change';
  return fieldProblems(fields, true);
}

/**
 * A shape read from the document, or undefined when what a peer wrote is unusable. Fields that are
 * missing take their defaults; present but malformed ones make the whole shape unusable,
 * because drawing half of it would mislead.
 */
export function readShape(id: string, fields: Readonly<Record<string, unknown>>): Shape | undefined {
  // Even x and y may be missing: undoing a write that won a concurrent conflict empties its key
  // (the losing value is already gone and Yjs never restores over a remote write), see BOARD-8.
  if (!isShapeId(id) || !isKind(fields['kind']) || fieldProblems(fields, true) !== undefined) return undefined;
  if (fields['kind'] === 'image' && fields['src'] === undefined) return undefined; // nothing to draw
  const pick = <K extends keyof typeof SHAPE_DEFAULTS>(key: K): Shape[K] => (fields[key] ?? SHAPE_DEFAULTS[key]) as Shape[K];
  return {
    id,
    kind: fields['kind'],
    x: pick('x'),
    y: pick('y'),
    w: pick('w'),
    h: pick('h'),
    z: pick('z'),
    color: pick('color'),
    width: pick('width'),
    fill: pick('fill'),
    points: pick('points'),
    text: pick('text'),
    ...(fields['kind'] === 'image' ? { src: fields['src'] as string } : {}),
    ...(fields['kind'] === 'image' && fields['thumb'] !== undefined ? { thumb: fields['thumb'] as string } : {}),
    // [BOARD-30] An attachment where there can be none (another kind, the shape itself) is ignored, not fatal.
    ...(isConnector(fields['kind']) && typeof fields['from'] === 'string' && fields['from'] !== id ? { from: fields['from'] } : {}),
    ...(isConnector(fields['kind']) && typeof fields['to'] === 'string' && fields['to'] !== id ? { to: fields['to'] } : {}),
    ...(fields['locked'] === true ? { locked: true } : {}),
    ...(typeof fields['group'] === 'string' ? { group: fields['group'] } : {}),
    // [BOARD-41] An angle on a kind that does not turn is ignored, as an attachment is above.
    ...(isTurnable(fields['kind']) && typeof fields['rotation'] === 'number' && normalizeDegrees(fields['rotation']) !== 0 ? { rotation: normalizeDegrees(fields['rotation']) } : {}),
  };
}

/**
 * A freehand stroke's points thinned to fit `max` numbers (whole triples): evenly spaced samples,
 * always keeping the first and the last, so a very long stroke still becomes one valid shape.
 */
export function thinPoints(points: readonly number[], max: number = SHAPE_LIMITS.points): number[] {
  const count = Math.floor(points.length / 3);
  const keep = Math.floor(max / 3);
  if (count <= keep) return points.slice(0, count * 3);
  const out: number[] = [];
  for (let i = 0; i < keep; i++) {
    const from = Math.round((i * (count - 1)) / (keep - 1)) * 3;
    out.push(points[from]!, points[from + 1]!, points[from + 2]!);
  }
  return out;
}

/** [BOARD-35] The shapes a pointer may pick (select, erase, edit): every one not locked. */
export function pickable(shapes: readonly Shape[]): readonly Shape[] {
  return shapes.some((s) => s.locked) ? shapes.filter((s) => !s.locked) : shapes;
}

/** Equal field values: a stroke's points element by element, anything else by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** Whether two shapes as read hold the same fields with the same values. */
export function sameShape(a: Shape, b: Shape): boolean {
  const keys = Object.keys(a) as Array<keyof Shape>;
  return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
}

/** Front-to-back order every member agrees on: z, then id. */
export function compareShapes(a: Shape, b: Shape): number {
  return a.z - b.z || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The axis-aligned box a shape covers, for hit-testing, selection and export: [BOARD-41] a turned
 * shape's is the box around its turned corners.
 */
export function shapeBounds(shape: Shape): Box {
  return turnedBounds(uprightBox(shape), shape.rotation ?? 0);
}

/** [BOARD-41] A shape's box before it is turned (every shape's box when upright): what it is drawn in, turned about its centre. */
export function uprightBox(shape: Shape): Box {
  if (shape.kind === 'pen' && shape.points.length >= 3) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < shape.points.length; i += 3) {
      const px = shape.points[i]!, py = shape.points[i + 1]!;
      minX = Math.min(minX, px); maxX = Math.max(maxX, px);
      minY = Math.min(minY, py); maxY = Math.max(maxY, py);
    }
    return { x: shape.x + minX, y: shape.y + minY, w: maxX - minX, h: maxY - minY };
  }
  const x = Math.min(shape.x, shape.x + shape.w), y = Math.min(shape.y, shape.y + shape.h);
  return { x, y, w: Math.abs(shape.w), h: Math.abs(shape.h) };
}
