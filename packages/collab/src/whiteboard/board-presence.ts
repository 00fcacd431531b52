/**
 * The whiteboard's presence conventions (BOARD-4): what each member publishes about itself —
 * `{ name, color, cursor, selection, stroke, viewport, following, laser, spotlight }` — and the checked view of what the others published.
 * Presence is another member's free-form JSON, so every field is read defensively: a malformed
 * field falls back to "nothing to show", never a crash.
 */
import type { Json, PresenceData } from '../protocol/messages.js';
import { isColor, isCoordinate, isShapeId, SHAPE_LIMITS } from './shape.js';
import { readViewport, type BoardViewport } from './viewport.js';

export interface BoardPoint {
  readonly x: number;
  readonly y: number;
}

/** A stroke being drawn, shown to the others while the pen is down; points as in `Shape.points`. */
export interface LiveStroke {
  readonly points: readonly number[];
  readonly color: string;
  readonly width: number;
}

export interface BoardPresence {
  readonly name: string;
  readonly color: string;
  readonly cursor: BoardPoint | null;
  readonly selection: readonly string[];
  readonly stroke: LiveStroke | null;
  /** The part of the board this member sees (BOARD-15): what a follower shows. */
  readonly viewport: BoardViewport | null;
  /** The connection this member follows (BOARD-15), or null. */
  readonly following: string | null;
  /**
   * [BOARD-31] The laser pointer's trail, oldest first, as flat `x, y` pairs; empty when not
   * pointing. The pointing member drops what is older than `LASER_FADE_MS` as it goes.
   */
  readonly laser: readonly number[];
  /**
   * [BOARD-36] While this member asks everyone to follow them: when they began (ms since the epoch),
   * so each new spotlight is one a member who stopped following the last one follows again. Else null.
   */
  readonly spotlight: number | null;
}

/** Another member on the board: one per connection (two tabs are two peers). */
export interface Peer extends BoardPresence {
  readonly connection: string;
}

/** Presence stays small (it is sent at 20 Hz): a live stroke carries at most this many points. */
export const LIVE_STROKE_POINTS = 600;
/** [BOARD-31] A laser trail carries at most this many points, and each fades out over this long. */
export const LASER_POINTS = 48;
export const LASER_FADE_MS = 1000;
const MAX_SELECTION = 1000;
const MAX_NAME = 64;
const MAX_CONNECTION = 128;


function readPoint(value: unknown): BoardPoint | null {
  if (typeof value !== 'object' || value === null) return null;
  const { x, y } = value as Record<string, unknown>;
  return isCoordinate(x) && isCoordinate(y) ? { x, y } : null;
}

function readStroke(value: unknown): LiveStroke | null {
  if (typeof value !== 'object' || value === null) return null;
  const { points, color, width } = value as Record<string, unknown>;
  if (!Array.isArray(points) || points.length % 3 !== 0 || points.length > 3 * LIVE_STROKE_POINTS || !points.every(isCoordinate)) return null;
  if (!isColor(color) || typeof width !== 'number' || !(width >= SHAPE_LIMITS.minWidth && width <= SHAPE_LIMITS.maxWidth)) return null;
  return { points, color, width };
}

function readLaser(value: unknown): readonly number[] {
  if (!Array.isArray(value) || value.length % 2 !== 0 || value.length > 2 * LASER_POINTS || !value.every(isCoordinate)) return [];
  return value;
}

/** A peer's presence read defensively; a colour is derived from the connection when none is usable. */
export function readPeer(connection: string, state: PresenceData): Peer {
  const name = typeof state['name'] === 'string' && state['name'].length > 0 ? state['name'].slice(0, MAX_NAME) : 'Anonymous';
  const selection = Array.isArray(state['selection']) ? state['selection'].filter(isShapeId).slice(0, MAX_SELECTION) : [];
  return {
    connection,
    name,
    color: isColor(state['color']) ? state['color'] : colorFor(connection),
    cursor: readPoint(state['cursor']),
    selection,
    stroke: readStroke(state['stroke']),
    viewport: readViewport(state['viewport']),
    following: typeof state['following'] === 'string' && state['following'].length > 0 && state['following'].length <= MAX_CONNECTION ? state['following'] : null,
    laser: readLaser(state['laser']),
    spotlight: typeof state['spotlight'] === 'number' && Number.isSafeInteger(state['spotlight']) && state['spotlight'] > 0 ? state['spotlight'] : null,
  };
}

/** The presence patch that publishes part of this member's board state. */
export function boardPresencePatch(patch: Partial<BoardPresence>): PresenceData {
  const out: Record<string, Json> = {};
  if (patch.name !== undefined) out['name'] = patch.name;
  if (patch.color !== undefined) out['color'] = patch.color;
  if (patch.cursor !== undefined) out['cursor'] = patch.cursor && { x: patch.cursor.x, y: patch.cursor.y };
  if (patch.selection !== undefined) out['selection'] = [...patch.selection];
  if (patch.following !== undefined) out['following'] = patch.following;
  if (patch.viewport !== undefined) out['viewport'] = patch.viewport && { x: patch.viewport.x, y: patch.viewport.y, w: patch.viewport.w, h: patch.viewport.h };
  if (patch.laser !== undefined) out['laser'] = patch.laser.slice(-2 * LASER_POINTS);
  if (patch.spotlight !== undefined) out['spotlight'] = patch.spotlight;
  if (patch.stroke !== undefined) {
    // Keep the newest points when a long stroke outgrows what presence should carry.
    out['stroke'] = patch.stroke && { points: patch.stroke.points.slice(-3 * LIVE_STROKE_POINTS), color: patch.stroke.color, width: patch.stroke.width };
  }
  return out;
}

const PALETTE = ['#e03131', '#2f9e44', '#1971c2', '#f08c00', '#9c36b5', '#0c8599', '#e8590c', '#5c940d'] as const;

/** A stable colour for a member that did not choose one. */
export function colorFor(key: string): string {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}
