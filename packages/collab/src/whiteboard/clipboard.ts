/**
 * [BOARD-17] Shapes on the clipboard, as JSON text: what one board copies, any board pastes — in
 * another tab, another room, another browser window — and a copy pasted into a text editor is
 * readable. What comes back is untrusted (anyone can put anything on a clipboard): each shape is
 * checked as a peer's would be, the unusable ones are skipped, and never more than a board's worth.
 */
import { assetIdOf } from '../protocol/assets.js';
import type { Board } from './board.js';
import { isShapeId, newShapeProblem, SHAPE_LIMITS, type NewShape, type Shape } from './shape.js';
import { regroup } from './groups.js';

/** The `format` field that says a text is shapes from a Kuiper board. */
export const CLIPBOARD_FORMAT = 'kuiper-board-shapes';
/** Shapes one paste may add. */
export const MAX_PASTED_SHAPES = 2000;

/**
 * A copied shape: its fields without its place in the stack, and `ref`, the id it had where it was
 * copied. A paste never reuses that id; it only uses it to keep connectors attached to the shapes
 * pasted with them (BOARD-30).
 */
export type CopiedShape = NewShape & { readonly ref?: string };

/** A shape as a new one to add: its fields without its id or its place in the stack. */
export function asNewShape({ id, z: _z, ...fields }: Shape): CopiedShape {
  return { ...fields, ref: id };
}

export interface ClipboardOptions {
  /**
   * [BOARD-27] Where each `asset:` picture among the shapes can be fetched (an absolute URL, the
   * copying room's): a board of another room pasting them copies the pictures into its own.
   */
  assetUrl?: (src: string) => string | undefined;
}

/** The shapes as clipboard text, back to front; ids and stacking are the pasting board's business. */
export function shapesToClipboard(shapes: readonly Shape[], options: ClipboardOptions = {}): string {
  const assets: Record<string, string> = {};
  for (const { src } of shapes) {
    const url = src === undefined || src.startsWith('data:') ? undefined : options.assetUrl?.(src);
    if (src !== undefined && url !== undefined) assets[src] = url;
  }
  const sources = Object.keys(assets).length > 0 ? { assets } : {};
  return JSON.stringify({ format: CLIPBOARD_FORMAT, v: 1, shapes: shapes.map(asNewShape), ...sources });
}

/** A board's copy as parsed JSON, or undefined when the text is not one. */
function parseCopy(text: string): { shapes: unknown[]; assets?: unknown } | undefined {
  if (!text.startsWith('{') || !text.includes(CLIPBOARD_FORMAT)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { format, shapes, assets } = parsed as { format?: unknown; shapes?: unknown; assets?: unknown };
  return format === CLIPBOARD_FORMAT && Array.isArray(shapes) ? { shapes, assets } : undefined;
}

/**
 * [BOARD-27] Where a board's copy says its asset pictures can be fetched: `asset:` src → http(s)
 * URL. Untrusted like the rest: only well-formed srcs and http(s) URLs are kept.
 */
export function assetSourcesFromClipboard(text: string): Map<string, string> {
  const sources = new Map<string, string>();
  const assets = parseCopy(text)?.assets;
  if (typeof assets !== 'object' || assets === null) return sources;
  for (const [src, url] of Object.entries(assets).slice(0, MAX_PASTED_SHAPES)) {
    if (assetIdOf(src) !== undefined && typeof url === 'string' && /^https?:\/\//.test(url)) sources.set(src, url);
  }
  return sources;
}

/** The shapes in a clipboard text, or undefined when it is not a board's copy. */
export function shapesFromClipboard(text: string): CopiedShape[] | undefined {
  const shapes = parseCopy(text)?.shapes;
  if (!shapes) return undefined;
  const usable: CopiedShape[] = [];
  for (const candidate of shapes.slice(0, MAX_PASTED_SHAPES)) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    // A pasted shape is a new one: it never takes an id or a place in the stack from the text.
    const { id: _id, z: _z, ref, ...fields } = candidate as Record<string, unknown>;
    if (newShapeProblem(fields) === undefined) usable.push({ ...(fields as unknown as NewShape), ...(isShapeId(ref) ? { ref } : {}) });
  }
  return usable;
}

/**
 * Adds `shapes` moved by (dx, dy), in front of everything and in their own order, as one document
 * transaction (one update for the others, one undo step); returns the new shapes' ids. [BOARD-30] A
 * connector stays attached to a shape pasted with it (to the copy, not the original); an end whose
 * shape was not copied is let go. [BOARD-40] Copies of grouped shapes form new groups.
 */
export function pasteShapes(board: Board, shapes: readonly CopiedShape[], dx: number, dy: number): string[] {
  const ids: string[] = [];
  const copies = new Map<string, string>();
  const attached: Array<{ id: string; from?: string; to?: string }> = [];
  board.transact(() => {
    // [BOARD-40] Copies are grouped as their originals were, in groups of their own.
    for (const { ref, from, to, ...shape } of regroup(shapes, () => board.newId())) {
      const added = board.add({ ...shape, x: shape.x + dx, y: shape.y + dy });
      if (!added.ok) continue;
      ids.push(added.value.id);
      if (ref !== undefined) copies.set(ref, added.value.id);
      if (from !== undefined || to !== undefined) attached.push({ id: added.value.id, from, to });
    }
    for (const { id, from, to } of attached) {
      const ends = { from: from === undefined ? undefined : copies.get(from), to: to === undefined ? undefined : copies.get(to) };
      if (ends.from !== undefined || ends.to !== undefined) board.update(id, ends, { ignoreLock: true }); // a pasted shape may come locked
    }
  });
  return ids;
}

/** Plain text pasted onto the board: the fields of a text note holding it (cut to a note's limit). */
export function noteFromText(text: string, at: { x: number; y: number }): NewShape | undefined {
  const body = text.trim().slice(0, SHAPE_LIMITS.text);
  return body ? { kind: 'text', x: at.x, y: at.y, text: body } : undefined;
}
