/**
 * Pointer input for the whiteboard (BOARD-10): mouse, pen and touch alike through pointer events.
 * Each press is one gesture and one undo step (BOARD-7): a freehand stroke becomes one shape when
 * the pointer lifts (others watch it grow through presence meanwhile); a rectangle, ellipse, line or
 * arrow grows in the document as it is dragged; a move or an erase sweep is one step however long.
 */
import { useEffect, useRef, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { Board } from '../../whiteboard/board.js';
import { asNewShape, pasteShapes } from '../../whiteboard/clipboard.js';
import { attachableAt, letGo, movePatch } from '../../whiteboard/connectors.js';
import { boxOf, shapeAt, shapesWithin } from '../../whiteboard/hit-test.js';
import { wholeGroupsWithin, withGroups } from '../../whiteboard/groups.js';
import { angleOf, turnedCorners, unionOf } from '../../whiteboard/geometry.js';
import { resizePatch } from '../../whiteboard/resize.js';
import { ROTATE_STEP, rotatePatches, rotationPivot, snapRotation } from '../../whiteboard/rotate.js';
import { pickable, thinPoints, uprightBox, type Shape } from '../../whiteboard/shape.js';
import { snapOffset, snapPoint } from '../../whiteboard/snap.js';
import type { Tool } from './toolbar.js';
import type { OpenComment } from './comments-layer.js';
import { clampZoom } from '../../whiteboard/viewport.js';
import { boardPoint, CLICK_SIZE, middle, type Box, type Gesture, type Turning, type View } from './pointer-gesture.js';

export { boardPoint, type Box, type View };

export interface PointerToolsInput {
  board: Board | null;
  tool: Tool;
  color: string;
  width: number;
  view: View;
  selection: readonly string[];
  setSelection(ids: readonly string[]): void;
  setView(view: View): void;
  startText(at: { x: number; y: number }, shape?: Shape, kind?: 'text' | 'note'): void;
  /** True while the space bar is held: any drag pans. */
  spaceHeld(): boolean;
  /** A text note's editor is open (a press on the board then finishes it: BOARD-10). */
  editingText(): boolean;
  /** Opens the comment panel on a thread or a new spot, or closes it (null). */
  openComment(open: OpenComment | null): void;
  /** A viewer's board (BOARD-20): presses select and pan, nothing moves, resizes or edits. */
  readOnly: boolean;
  /** [BOARD-31] Adds a point to the laser pointer's trail. */
  laser(at: { x: number; y: number }): void;
  /** [BOARD-32] Shows the selection marquee being dragged (board units), or hides it (null). */
  marquee(box: Box | null): void;
  /** [BOARD-30] The line or arrow being drawn (its attachments are shown), or null when done. */
  drawing(id: string | null): void;
  /** [BOARD-43] Snap to grid: what is drawn, dragged or resized lands on the grid's dots. */
  snap: boolean;
  /** [BOARD-41] The turn under way (its handle follows the pointer), or null when none is. */
  turning(turn: Turning | null): void;
}

export function usePointerTools(input: PointerToolsInput) {
  const gesture = useRef<Gesture | null>(null);
  const latest = useRef(input);
  latest.current = input;
  // Pointers report up to 240 times a second; the document (and the server's log) gets at most one
  // edit per animation frame, the latest position winning. A release applies what is pending first.
  const pending = useRef<{ apply: () => void; frame: number } | null>(null);
  const flush = (): void => {
    const p = pending.current;
    pending.current = null;
    if (!p) return;
    if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(p.frame);
    p.apply();
  };
  useEffect(() => () => {
    if (pending.current && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(pending.current.frame);
    pending.current = null;
  }, []);
  /** Touch points on the surface (client coordinates): two of them pinch to zoom and pan. */
  const touches = useRef(new Map<number, { x: number; y: number }>());

  /** A second finger turns the gesture into a pinch: what the first finger began is dropped. */
  const abandon = (board: Board): void => {
    const g = gesture.current;
    gesture.current = null;
    pending.current = null;
    if (!g) return;
    if (g.kind === 'pen') board.setPresence({ stroke: null });
    if (g.kind === 'shape') (board.remove([g.id]), latest.current.drawing(null));
    if (g.kind === 'marquee') latest.current.marquee(null);
    if (g.kind === 'rotate') latest.current.turning(null);
    if (g.kind === 'shape' || g.kind === 'move' || g.kind === 'resize' || g.kind === 'rotate' || g.kind === 'erase') g.end();
  };

  const perFrame = (apply: () => void): void => {
    if (typeof requestAnimationFrame !== 'function') return apply();
    if (pending.current) pending.current = { ...pending.current, apply };
    else pending.current = { apply, frame: requestAnimationFrame(flush) };
  };

  const toBoard = (e: ReactMouseEvent<SVGSVGElement>): { x: number; y: number } => boardPoint(e, latest.current.view);
  const pressure = (e: ReactPointerEvent): number => (e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 0.5);

  const erase = (board: Board, at: { x: number; y: number }): void => {
    const open = pickable(board.shapes());
    const hit = shapeAt(open, at.x, at.y, 6 / latest.current.view.zoom);
    if (hit) board.remove(withGroups(open, [hit.id])); // [BOARD-40] a group goes whole, as a click picks it
  };

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>): void => {
    const { board, tool, color, width, view, selection, setSelection } = latest.current;
    if (!board || (e.pointerType === 'mouse' && e.button !== 0 && e.button !== 1)) return;
    // Read before the focus moves: the editor's blur commits the note and closes it.
    const finishingNote = latest.current.editingText();
    e.currentTarget.focus({ preventScroll: true });
    if (typeof e.currentTarget.setPointerCapture === 'function') {
      try {
        e.currentTarget.setPointerCapture(e.pointerId);
      } catch {
        // A synthetic or already-released pointer cannot be captured; the gesture still works.
      }
    }
    const at = toBoard(e);
    const pointer = e.pointerId;
    if (e.pointerType === 'touch') {
      touches.current.set(pointer, { x: e.clientX, y: e.clientY });
      if (touches.current.size === 2) {
        abandon(board);
        const [a, b] = [...touches.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
        const rect = e.currentTarget.getBoundingClientRect();
        const mid = middle(a, b);
        gesture.current = { kind: 'pinch', pointer, distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), mid: { x: mid.x - rect.left, y: mid.y - rect.top }, view };
        return;
      }
    }
    if (gesture.current) return;
    if (e.button === 1 || latest.current.spaceHeld()) {
      gesture.current = { kind: 'pan', pointer, client: { x: e.clientX, y: e.clientY }, view };
      return;
    }
    // [BOARD-19] A press on a comment pin opens its thread, whatever the tool; with the Comment tool
    // a press elsewhere opens a new thread there; any other press closes an open panel.
    const pin = e.target instanceof Element ? e.target.closest('[data-thread-id]') : null;
    if (pin || tool === 'comment') {
      e.preventDefault(); // the panel's text box keeps the focus it is about to take
      latest.current.openComment(pin ? { kind: 'thread', id: pin.getAttribute('data-thread-id') ?? '' } : { kind: 'new', x: at.x, y: at.y });
      return;
    }
    latest.current.openComment(null);
    // [BOARD-18] The selected shape's resize handle: scaled from the shape as it is now, one undo step.
    const handle = e.target instanceof Element ? e.target.closest('[data-resize-handle]') : null;
    const resized = tool === 'select' && handle && !latest.current.readOnly ? board.shape(handle.getAttribute('data-resize-handle') ?? '') : undefined;
    if (resized) {
      gesture.current = { kind: 'resize', pointer, shape: resized, start: at, end: board.beginGesture() };
      return;
    }
    // [BOARD-41] The rotate handle: the selection turns about its centre as the pointer goes round it, one undo step.
    const knob = tool === 'select' && !latest.current.readOnly && e.target instanceof Element ? e.target.closest('[data-rotate-handle]') : null;
    const turning = knob ? pickable(selection.flatMap((id) => board.shape(id) ?? [])) : [];
    const pivot = rotationPivot(turning);
    if (pivot) {
      const turn = { around: unionOf(turning.map(boxOf))!, pivot, by: 0, away: knob?.getAttribute('data-rotate-handle') === 'below' ? 1 : -1 } as const;
      gesture.current = { kind: 'rotate', pointer, shapes: turning, from: angleOf(pivot, at), turn, end: board.beginGesture() };
      latest.current.turning(turn);
      return;
    }
    switch (tool) {
      case 'pen':
        gesture.current = { kind: 'pen', pointer, origin: at, points: [0, 0, pressure(e)] };
        board.setPresence({ stroke: { points: [at.x, at.y, pressure(e)], color, width } });
        return;
      case 'rect':
      case 'ellipse':
      case 'line':
      case 'arrow': {
        const end = board.beginGesture();
        // [BOARD-30] A line or an arrow begun on a box is attached to it.
        const from = tool === 'line' || tool === 'arrow' ? attachableAt(board.shapes(), at.x, at.y, 4 / view.zoom) : undefined;
        const start = latest.current.snap ? snapPoint(at) : at; // [BOARD-43]
        const added = board.add({ kind: tool, x: start.x, y: start.y, w: 0, h: 0, color, width, ...(from ? { from: from.id } : {}) });
        if (!added.ok) return end();
        gesture.current = { kind: 'shape', pointer, id: added.value.id, start, last: at, end };
        if (tool === 'line' || tool === 'arrow') latest.current.drawing(added.value.id);
        return;
      }
      case 'text':
      case 'note': {
        // A press beside an open note finishes it (the focus above committed it), as in other
        // whiteboards; it used to open a second, empty editor there at once. The next press adds one.
        if (finishingNote) return;
        // The note's editor takes the focus now; without this the browser's own mousedown, which
        // follows, would focus the surface, blur the empty editor and so close it at once.
        e.preventDefault();
        // A press on a text or a sticky note edits it; elsewhere it starts the tool's own.
        const hit = shapeAt(pickable(board.shapes()), at.x, at.y, 4 / view.zoom);
        latest.current.startText(at, hit?.kind === 'text' || hit?.kind === 'note' ? hit : undefined, tool);
        return;
      }
      case 'laser':
        gesture.current = { kind: 'laser', pointer };
        latest.current.laser(at);
        return;
      case 'eraser': {
        const end = board.beginGesture();
        gesture.current = { kind: 'erase', pointer, end };
        erase(board, at);
        return;
      }
      case 'select': {
        const hit = shapeAt(pickable(board.shapes()), at.x, at.y, 4 / view.zoom);
        if (!hit) {
          // [BOARD-32] A mouse or pen drag on empty space selects what it encloses (Shift: adds to
          // the selection); a finger pans, as on every phone map, and two pinch.
          const base = e.shiftKey ? selection : [];
          setSelection(base);
          gesture.current = e.pointerType === 'touch'
            ? { kind: 'pan', pointer, client: { x: e.clientX, y: e.clientY }, view }
            : { kind: 'marquee', pointer, start: at, base };
          return;
        }
        // [BOARD-40] A shape in a group is picked with its whole group (Shift adds or takes it all).
        const picked = withGroups(pickable(board.shapes()), [hit.id]);
        let ids = selection.includes(hit.id) ? selection : picked;
        if (e.shiftKey) ids = selection.includes(hit.id) ? selection.filter((id) => !picked.includes(id)) : [...selection, ...picked.filter((id) => !selection.includes(id))];
        if (!ids.includes(hit.id) || latest.current.readOnly) return setSelection(ids);
        const end = board.beginGesture();
        // [BOARD-34] Alt (Option) drags copies away and leaves the originals: the copy and the drag are one step.
        if (e.altKey) {
          const wanted = new Set(ids);
          ids = pasteShapes(board, board.shapes().filter((s) => wanted.has(s.id)).map(asNewShape), 0, 0);
        }
        setSelection(ids);
        const box = boxOf(hit); // [BOARD-41] a turned text's too, round its characters
        gesture.current = { kind: 'move', pointer, ids, origin: at, moved: { x: 0, y: 0 }, anchor: { x: box.x, y: box.y }, end };
      }
    }
  };

  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>): void => {
    const { board } = latest.current;
    if (!board) return;
    const at = toBoard(e);
    board.setPresence({ cursor: at });
    const g = gesture.current;
    if (touches.current.has(e.pointerId)) touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (g?.kind === 'pinch') {
      if (touches.current.size < 2) return;
      const [a, b] = [...touches.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      const rect = e.currentTarget.getBoundingClientRect();
      const mid = middle(a, b);
      const zoom = clampZoom((g.view.zoom * Math.hypot(a.x - b.x, a.y - b.y)) / g.distance);
      // The board point that was under the fingers' midpoint stays under it, wherever it goes.
      const bx = (g.mid.x - g.view.x) / g.view.zoom, by = (g.mid.y - g.view.y) / g.view.zoom;
      latest.current.setView({ zoom, x: mid.x - rect.left - bx * zoom, y: mid.y - rect.top - by * zoom });
      return;
    }
    if (!g || g.pointer !== e.pointerId) return;
    switch (g.kind) {
      case 'pen': {
        g.points.push(at.x - g.origin.x, at.y - g.origin.y, pressure(e));
        const { color, width } = latest.current;
        const absolute = g.points.map((v, i) => (i % 3 === 0 ? v + g.origin.x : i % 3 === 1 ? v + g.origin.y : v));
        board.setPresence({ stroke: { points: absolute, color, width } });
        return;
      }
      case 'shape':
        g.last = at;
        perFrame(() => {
          const shape = board.shape(g.id);
          const tip = latest.current.snap ? snapPoint(at) : at;
          const patch = { w: tip.x - g.start.x, h: tip.y - g.start.y };
          if (shape?.kind !== 'line' && shape?.kind !== 'arrow') return void board.update(g.id, patch);
          // [BOARD-30] The end attaches to the box under the pointer as it goes, so one sees where it will land.
          const to = attachableAt(board.shapes(), at.x, at.y, 4 / latest.current.view.zoom, shape.from);
          board.update(g.id, { ...patch, to: to?.id ?? null });
        });
        return;
      case 'move':
        perFrame(() => {
          // From the press, not the last frame: snapped, the pressed shape's corner goes from dot to dot (BOARD-43).
          const want = { x: at.x - g.origin.x, y: at.y - g.origin.y };
          const total = latest.current.snap ? snapOffset(g.anchor, want) : want;
          const dx = total.x - g.moved.x, dy = total.y - g.moved.y;
          if (dx === 0 && dy === 0) return;
          g.moved = total;
          const moving = new Set(g.ids);
          board.transact(() => {
            for (const id of g.ids) {
              const shape = board.shape(id);
              if (shape) board.update(id, movePatch(shape, dx, dy, moving));
            }
          });
        });
        return;
      case 'resize':
        perFrame(() => {
          let by = { x: at.x - g.start.x, y: at.y - g.start.y };
          if (latest.current.snap) {
            // [BOARD-43] The handle's corner lands on a dot: its box's bottom-right corner, turned with it (the resize moves it by exactly `by`).
            by = snapOffset(turnedCorners(uprightBox(g.shape), g.shape.rotation ?? 0)[2], by);
          }
          const patch = resizePatch(g.shape, by.x, by.y);
          if (patch) board.update(g.shape.id, { ...patch, ...letGo(g.shape) });
        });
        return;
      case 'rotate': {
        let by = angleOf(g.turn.pivot, at) - g.from;
        // Shift: one shape to a multiple of 15°, several by one.
        if (e.shiftKey) by = snapRotation(g.shapes.length === 1 ? (g.shapes[0]!.rotation ?? 0) : 0, by, ROTATE_STEP);
        perFrame(() => board.transact(() => rotatePatches(g.shapes, by, g.turn.pivot).forEach(({ id, patch }) => board.update(id, patch))));
        latest.current.turning({ ...g.turn, by });
        return;
      }
      case 'erase':
        erase(board, at);
        return;
      case 'laser':
        latest.current.laser(at);
        return;
      case 'marquee': {
        const box = { x: g.start.x, y: g.start.y, w: at.x - g.start.x, h: at.y - g.start.y };
        latest.current.marquee(box);
        perFrame(() => {
          const candidates = pickable(board.shapes());
          const inside = wholeGroupsWithin(candidates, shapesWithin(candidates, box).map((s) => s.id)); // [BOARD-40] whole groups only
          latest.current.setSelection([...g.base, ...inside.filter((id) => !g.base.includes(id))]);
        });
        return;
      }
      case 'pan':
        latest.current.setView({ ...g.view, x: g.view.x + e.clientX - g.client.x, y: g.view.y + e.clientY - g.client.y });
    }
  };

  const finish = (e: ReactPointerEvent<SVGSVGElement>, cancelled: boolean): void => {
    touches.current.delete(e.pointerId);
    const g = gesture.current;
    const { board, color, width } = latest.current;
    if (g?.kind === 'pinch') {
      if (touches.current.size < 2) gesture.current = null; // lifting one finger ends the pinch
      return;
    }
    if (!g || g.pointer !== e.pointerId || !board) return;
    flush(); // the last position belongs to this gesture's step
    gesture.current = null;
    switch (g.kind) {
      case 'pen':
        board.setPresence({ stroke: null });
        if (!cancelled) board.add({ kind: 'pen', x: g.origin.x, y: g.origin.y, points: thinPoints(g.points), color, width });
        return;
      case 'shape': {
        const shape = board.shape(g.id);
        // A click without a drag: give the shape a size one can see and grab.
        latest.current.drawing(null);
        if (shape && Math.abs(g.last.x - g.start.x) < 2 && Math.abs(g.last.y - g.start.y) < 2) {
          board.update(g.id, shape.kind === 'line' || shape.kind === 'arrow' ? { w: CLICK_SIZE.w, h: 0, to: null } : CLICK_SIZE);
        }
        g.end();
        return;
      }
      case 'rotate':
        latest.current.turning(null);
        g.end();
        return;
      case 'move':
      case 'resize':
      case 'erase':
        g.end();
        return;
      case 'marquee':
        latest.current.marquee(null);
        return;
      case 'pan':
      case 'laser': // the trail fades by itself
        return;
    }
  };

  return {
    onPointerDown,
    onPointerMove,
    onPointerUp: (e: ReactPointerEvent<SVGSVGElement>) => finish(e, false),
    onPointerCancel: (e: ReactPointerEvent<SVGSVGElement>) => finish(e, true),
    onPointerLeave: () => latest.current.board?.setPresence({ cursor: null }),
    /** A double click on a text or a sticky note edits it, whatever the tool. */
    onDoubleClick: (e: ReactMouseEvent<SVGSVGElement>) => {
      const { board, view } = latest.current;
      if (!board) return;
      const at = toBoard(e);
      const hit = shapeAt(pickable(board.shapes()), at.x, at.y, 4 / view.zoom);
      if ((hit?.kind === 'text' || hit?.kind === 'note') && !latest.current.readOnly) latest.current.startText(at, hit);
    },
  };
}
