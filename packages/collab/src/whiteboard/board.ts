/**
 * The whiteboard's data model over a room (BOARD-1…5), framework-free: shapes live in the room's
 * document, cursors, selections and strokes being drawn live in presence. `shapes()` and `peers()`
 * return the same array until something changes, so a UI can read them as external-store snapshots.
 */
import * as Y from 'yjs';
import { fail, ok, type Result } from '../protocol/errors.js';
import { Listeners } from '../core/listeners.js';
import type { PresenceState } from '../core/presence-state.js';
import type { UndoHistory } from '../core/undo-history.js';
import { boardPresencePatch, readPeer, type BoardPresence, type Peer } from './board-presence.js';
import { BoardComments } from './comments.js';
import { attachEnds, detachFrom } from './connectors.js';
import { flipPatches, type FlipAxis } from './flip.js';
import { rotatePatches } from './rotate.js';
import { compareShapes, isConnector, isImageSrc, isTurnable, NOT_TURNABLE, isThumbSrc, newShapeProblem, patchProblem, readShape, sameShape, sameValue, SHAPE_FIELDS, type NewShape, type Shape, type ShapeKind, type ShapePatch } from './shape.js';

/** The name of the document's top-level map holding the shapes (one Y.Map per shape, by id). */
export const BOARD_MAP = 'whiteboard';
/** [BOARD-24] The origin of a picture's move to the room's assets: no one's undo step. */
export const ASSET_SWAP_ORIGIN: unique symbol = Symbol('kuiper-asset-swap');

/** What a board needs of a room: `enterRoom`'s Room fits, and so does a bare `RoomMember`. */
export interface BoardRoom {
  readonly doc: Y.Doc;
  readonly presence: PresenceState;
  /** The room's per-user undo; without it, gestures are plain edits. */
  readonly history?: UndoHistory;
}

/** [BOARD-38] For the server's or an app's own code that must change a locked shape anyway. */
export interface LockOptions {
  readonly ignoreLock?: boolean;
}

interface Cached {
  readonly map: Y.Map<unknown>;
  readonly shape: Shape | undefined;
}

export class Board {
  readonly doc: Y.Doc;
  /** The board's comment threads (BOARD-19), in the same document. */
  readonly comments: BoardComments;
  private readonly root: Y.Map<unknown>;
  private readonly presence: PresenceState;
  private readonly history: UndoHistory | undefined;
  private readonly shapeListeners = new Listeners<readonly Shape[]>();
  private readonly peerListeners = new Listeners<readonly Peer[]>();
  private cache = new Map<string, Cached>();
  private sorted: readonly Shape[] = [];
  private byId = new Map<string, Shape>();
  private peerList: readonly Peer[] = [];
  private counter = 0;
  private readonly offPresence: () => void;

  constructor(room: BoardRoom) {
    this.doc = room.doc;
    this.presence = room.presence;
    this.history = room.history;
    this.root = room.doc.getMap<unknown>(BOARD_MAP);
    this.comments = new BoardComments(room.doc);
    this.rebuild(undefined);
    this.root.observeDeep(this.onChange);
    this.peerList = this.readPeers();
    this.offPresence = room.presence.subscribe(() => {
      this.peerList = this.readPeers();
      this.peerListeners.emit(this.peerList);
    });
  }

  /** Every valid shape, back to front (BOARD-3); the same array until the shapes change. */
  shapes(): readonly Shape[] {
    return this.sorted;
  }

  shape(id: string): Shape | undefined {
    return this.byId.get(id);
  }

  subscribe(fn: (shapes: readonly Shape[]) => void): () => void {
    return this.shapeListeners.subscribe(fn);
  }

  /** Adds a shape in front of every other; returns it, or `shape_invalid` saying what is wrong. */
  add(input: NewShape): Result<Shape> {
    const problem = newShapeProblem(input);
    if (problem) return fail('shape_invalid', problem);
    const id = input.id ?? this.newId();
    if (this.root.has(id)) return fail('shape_invalid', `a shape ${id} already exists`);
    const map = new Y.Map<unknown>();
    this.transact(() => {
      const fields: Readonly<Record<string, unknown>> = { ...input, z: input.z ?? this.topZ() + 1 };
      // Only a shape's own fields: whatever else came along (a clipboard's JSON, say) stays out of the document.
      for (const key of SHAPE_FIELDS) if (fields[key] !== undefined) map.set(key, fields[key]);
      this.root.set(id, map);
    });
    return this.current(id, map);
  }

  /**
   * Changes some fields of a shape; a field set to its current value is not written. [BOARD-38] A
   * locked shape refuses every change but its `locked` (`shape_locked`), unless `ignoreLock`.
   */
  update(id: string, patch: ShapePatch, options: LockOptions = {}): Result<Shape> {
    const problem = patchProblem(patch);
    if (problem) return fail('shape_invalid', problem);
    const map = this.root.get(id);
    // Read from the document, not the cache: inside `transact` a shape added a moment ago is already there.
    if (!(map instanceof Y.Map) || !readShape(id, map.toJSON() as Record<string, unknown>)) return fail('shape_invalid', `no shape ${id}`);
    if ((patch.from != null || patch.to != null) && !isConnector(map.get('kind') as ShapeKind)) return fail('shape_invalid', 'only a line or an arrow is attached to shapes');
    if (patch.rotation !== undefined && patch.rotation !== 0 && !isTurnable(map.get('kind') as ShapeKind)) return fail('shape_invalid', NOT_TURNABLE);
    if (!options.ignoreLock && map.get('locked') === true && Object.keys(patch).some((key) => key !== 'locked' && (patch as Record<string, unknown>)[key] !== undefined)) {
      return fail('shape_locked', `shape ${id} is locked: unlock it first, or pass { ignoreLock: true }`);
    }
    this.transact(() => {
      for (const key of SHAPE_FIELDS) {
        const value = (patch as Readonly<Record<string, unknown>>)[key];
        if (value !== undefined && !sameValue(map.get(key), value)) map.set(key, value);
      }
    });
    return this.current(id, map as Y.Map<unknown>);
  }

  /**
   * [BOARD-24] Puts an image's asset reference in place of the inline picture it was uploaded from:
   * only while the shape still holds `from` (no one changed or removed it meanwhile), and outside
   * every undo history (the same picture either way: no Ctrl+Z should bring the inline copy back).
   */
  swapSrc(id: string, from: string, to: string): boolean {
    const map = this.root.get(id);
    if (!isImageSrc(to) || !(map instanceof Y.Map) || map.get('src') !== from) return false;
    this.doc.transact(() => map.set('src', to), ASSET_SWAP_ORIGIN);
    return true;
  }

  /**
   * [BOARD-29] Gives a picture drawn before thumbnails existed its thumbnail: only while the shape
   * still shows `src` and has none (another member may have given it one meanwhile), and outside
   * every undo history (nothing anyone did: Ctrl+Z must not take it away).
   */
  addThumb(id: string, src: string, thumb: string): boolean {
    const map = this.root.get(id);
    if (!isThumbSrc(thumb) || !(map instanceof Y.Map) || map.get('kind') !== 'image' || map.get('src') !== src || map.get('thumb') !== undefined) return false;
    this.doc.transact(() => map.set('thumb', thumb), ASSET_SWAP_ORIGIN);
    return true;
  }

  /** The shape as it is now: the cached object once observers have run, else read from its map. */
  private current(id: string, map: Y.Map<unknown>): Result<Shape> {
    const inTransaction = this.doc._transaction !== null; // observers (and the cache) catch up at its end
    const shape = inTransaction ? readShape(id, map.toJSON() as Record<string, unknown>) : this.byId.get(id);
    return shape ? ok(shape) : fail('shape_invalid', `${id} could not be read back`);
  }

  /**
   * Deletes the shapes with these ids (unknown ids are ignored); returns how many went. A connector
   * attached to one of them lets go where it is drawn, in the same step (BOARD-30), locked or not.
   * [BOARD-38] A locked shape stays, unless `ignoreLock`.
   */
  remove(ids: readonly string[], options: LockOptions = {}): number {
    const going = new Set(ids.filter((id) => this.root.has(id) && (options.ignoreLock || !this.isLocked(id))));
    if (going.size === 0) return 0;
    this.transact(() => {
      for (const { id, patch } of detachFrom(this.sorted, going)) this.update(id, patch, { ignoreLock: true });
      for (const id of going) this.root.delete(id);
    });
    return going.size;
  }

  /** Moves shapes in front of all others, keeping their order among themselves; [BOARD-38] not a locked one, unless `ignoreLock`. */
  bringToFront(ids: readonly string[], options: LockOptions = {}): void {
    const wanted = new Set(ids);
    const moving = this.sorted.filter((s) => wanted.has(s.id) && (options.ignoreLock || !s.locked));
    if (moving.length === 0) return;
    let z = this.topZ();
    this.transact(() => {
      for (const shape of moving) (this.root.get(shape.id) as Y.Map<unknown>).set('z', ++z);
    });
  }

  /** Whether the shape is locked in the document now (inside a transaction too). */
  private isLocked(id: string): boolean {
    const map = this.root.get(id);
    return map instanceof Y.Map && map.get('locked') === true;
  }

  /**
   * [BOARD-40] Puts the shapes (those there are) in one new group, as one step; returns its id, or
   * `shape_invalid` for fewer than two shapes, or `shape_locked` (nothing grouped) when one is locked.
   */
  group(ids: readonly string[]): Result<string> {
    const shapes = [...new Set(ids)].filter((id) => this.root.has(id));
    if (shapes.length < 2) return fail('shape_invalid', 'a group is two shapes or more');
    const locked = shapes.find((id) => this.isLocked(id));
    if (locked !== undefined) return fail('shape_locked', `shape ${locked} is locked: unlock it first`);
    const group = this.newId();
    this.transact(() => shapes.forEach((id) => this.update(id, { group })));
    return ok(group);
  }

  /** [BOARD-40] Takes the shapes out of their groups, as one step (not a locked one); returns how many left one. */
  ungroup(ids: readonly string[]): number {
    const grouped = [...new Set(ids)].filter((id) => this.shape(id)?.group !== undefined && !this.isLocked(id));
    this.transact(() => grouped.forEach((id) => this.update(id, { group: null })));
    return grouped.length;
  }

  /**
   * [BOARD-41] Turns the shapes (those there are, not a locked one) `degrees` clockwise about the
   * centre of the box around them all, as one step; returns how many turned.
   */
  rotate(ids: readonly string[], degrees: number): number {
    return this.patchAll(rotatePatches(this.unlocked(ids), degrees));
  }

  /**
   * [BOARD-44] Mirrors the shapes (those there are, not a locked one) left to right (`horizontal`) or
   * top to bottom about the centre of the box around them all, as one step; returns how many flipped.
   */
  flip(ids: readonly string[], axis: FlipAxis): number {
    return this.patchAll(flipPatches(this.unlocked(ids), axis));
  }

  /** The shapes with these ids that are there and not locked, as drawn, back to front. */
  private unlocked(ids: readonly string[]): Shape[] {
    const wanted = new Set(ids);
    return this.sorted.filter((s) => wanted.has(s.id) && !s.locked);
  }

  /** Writes each shape's patch, all as one step (one undo step, one update on the wire); returns how many took. */
  private patchAll(patches: ReadonlyArray<{ id: string; patch: ShapePatch }>): number {
    let done = 0;
    this.transact(() => patches.forEach(({ id, patch }) => (done += this.update(id, patch).ok ? 1 : 0)));
    return done;
  }

  /** Runs several edits as one document transaction: one update on the wire, one undo step. */
  transact(fn: () => void): void {
    this.doc.transact(fn);
  }

  /**
   * Starts a gesture (pointer down): every edit until the returned `end` (pointer up or cancel) is
   * one undo step (BOARD-7). Safe to call `end` twice.
   */
  beginGesture(): () => void {
    return this.history?.beginGesture() ?? (() => undefined);
  }

  /** This member's connection id in the room (what the others' `following` names), once known. */
  get connection(): string | undefined {
    return this.presence.connection;
  }

  /** Every other member on the board, read defensively from presence (BOARD-4). */
  peers(): readonly Peer[] {
    return this.peerList;
  }

  subscribePeers(fn: (peers: readonly Peer[]) => void): () => void {
    return this.peerListeners.subscribe(fn);
  }

  /** This member's own board presence, as last set. */
  me(): BoardPresence {
    return readPeer('', this.presence.get());
  }

  /** Publishes part of this member's presence (cursor, selection, live stroke, name, colour). */
  setPresence(patch: Partial<BoardPresence>): void {
    this.presence.set(boardPresencePatch(patch));
  }

  destroy(): void {
    this.root.unobserveDeep(this.onChange);
    this.comments.destroy();
    this.offPresence();
  }

  private readonly onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.target === this.root) for (const key of event.changes.keys.keys()) touched.add(key);
      else if (typeof event.path[0] === 'string') touched.add(event.path[0]);
    }
    if (this.rebuild(touched)) this.shapeListeners.emit(this.sorted);
  };

  /** Re-reads touched shapes (all when `touched` is undefined); true if the visible list changed. */
  private rebuild(touched: ReadonlySet<string> | undefined): boolean {
    const next = new Map<string, Cached>();
    let changed = false;
    for (const [id, value] of this.root.entries()) {
      // A bad peer may put anything here: only a Y.Map with valid fields becomes a shape (BOARD-2).
      if (!(value instanceof Y.Map)) continue;
      const map = value as Y.Map<unknown>;
      const before = this.cache.get(id);
      if (before && before.map === map && !touched?.has(id) && touched !== undefined) {
        next.set(id, before);
        continue;
      }
      const shape = readShape(id, map.toJSON() as Record<string, unknown>);
      next.set(id, { map, shape });
      if (shape !== before?.shape) changed = true;
    }
    if (next.size !== this.cache.size || [...this.cache.keys()].some((id) => !next.has(id))) changed = true;
    this.cache = next;
    if (!changed && touched !== undefined) return false;
    const shapes = [...next.values()].flatMap((c) => (c.shape ? [c.shape] : []));
    // [BOARD-30] Connectors drawn from their shapes; one this change did not move stays the same
    // object (every other shape is its cached one already), so a UI re-renders only what changed.
    const before = this.byId;
    const read = shapes.sort(compareShapes);
    this.sorted = attachEnds(read).map((s, i) => {
      if (s === read[i]) return s;
      const old = before.get(s.id);
      return old && sameShape(old, s) ? old : s;
    });
    this.byId = new Map(this.sorted.map((s) => [s.id, s]));
    return true;
  }

  private readPeers(): readonly Peer[] {
    return this.presence.others().map((entry) => readPeer(entry.connection, entry.state));
  }

  private topZ(): number {
    return this.sorted.length === 0 ? 0 : this.sorted[this.sorted.length - 1]!.z;
  }

  /** A new id no member has used: for a shape, or [BOARD-40] a group. */
  newId(): string {
    // Unique across members: the Yjs client id is random per document, the counter per board.
    return `${this.doc.clientID.toString(36)}-${(++this.counter).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  }
}


/** The valid shapes of a document, back to front: what any member's `shapes()` shows once in sync. */
export function readBoardShapes(doc: Y.Doc): Shape[] {
  const shapes: Shape[] = [];
  for (const [id, value] of doc.getMap<unknown>(BOARD_MAP).entries()) {
    const shape = value instanceof Y.Map ? readShape(id, value.toJSON() as Record<string, unknown>) : undefined;
    if (shape) shapes.push(shape);
  }
  return attachEnds(shapes.sort(compareShapes));
}

/** A board over a room: `createBoard(room)` where room is what `enterRoom` returned. */
export function createBoard(room: BoardRoom): Board {
  return new Board(room);
}
