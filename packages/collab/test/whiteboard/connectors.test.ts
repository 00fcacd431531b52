// [BOARD-30] Connectors: a line's or an arrow's ends attached to shapes follow them, whoever moves
// them, and let go where they are drawn when their shape goes or the connector is dragged away.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PresenceState } from '../../src/core/presence-state.js';
import {
  ATTACH_GAP,
  Board,
  boardToSvg,
  edgePoint,
  movePatch,
  pasteShapes,
  readBoardShapes,
  readShape,
  shapesFromClipboard,
  shapesToClipboard,
  type Shape,
} from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';

const shape = (fields: Record<string, unknown>, id = 's'): Shape => readShape(id, fields)!;
const end = (s: Shape): { x: number; y: number } => ({ x: s.x + s.w, y: s.y + s.h });
const close = (a: { x: number; y: number }, b: { x: number; y: number }): void => {
  expect(a.x).toBeCloseTo(b.x, 6);
  expect(a.y).toBeCloseTo(b.y, 6);
};

/** Box `a` at (0, 0) and shape `b` at (300, 0), both 100 × 100, and `link`, a connector from a to b. */
function linked(board: Board, kinds: { a?: 'rect' | 'note'; b?: 'rect' | 'ellipse'; link?: 'arrow' | 'line' } = {}): void {
  board.add({ id: 'a', kind: kinds.a ?? 'rect', x: 0, y: 0, w: 100, h: 100 });
  board.add({ id: 'b', kind: kinds.b ?? 'rect', x: 300, y: 0, w: 100, h: 100 });
  board.add({ id: 'link', kind: kinds.link ?? 'arrow', x: 50, y: 50, w: 300, h: 0, from: 'a', to: 'b' });
}

function soloBoard(): Board {
  const doc = new Y.Doc();
  return new Board({ doc, presence: new PresenceState({ send: () => undefined }) });
}

describe('[BOARD-30] where an attached end is drawn', () => {
  it('on a rectangle, where the line toward the other end leaves it, a gap and half its outline further out', () => {
    const box = shape({ kind: 'rect', x: 0, y: 0, w: 100, h: 50, width: 2 });
    close(edgePoint(box, { x: 300, y: 25 }), { x: 100 + ATTACH_GAP + 1, y: 25 });
    close(edgePoint(box, { x: 50, y: -500 }), { x: 50, y: -(ATTACH_GAP + 1) });
    // Aimed at the corner's direction, it leaves by the corner; half the outline on is along the way.
    close(edgePoint(box, { x: 150, y: 75 }, 0), { x: 100 + 2 / Math.sqrt(5), y: 50 + 1 / Math.sqrt(5) });
  });

  it('on an ellipse, on the ellipse itself (not its box)', () => {
    const oval = shape({ kind: 'ellipse', x: 0, y: 0, w: 200, h: 100, width: 0.5 });
    const p = edgePoint(oval, { x: 300, y: 150 }, -0.25); // no gap, and back by half the outline: on the curve
    expect(((p.x - 100) / 100) ** 2 + ((p.y - 50) / 50) ** 2).toBeCloseTo(1, 6);
    expect(p.x).toBeLessThan(100 + 100 / Math.SQRT2 + 1e-9); // inside the box's corner, unlike a rectangle's
  });
});

describe('[BOARD-30] an arrow between two shapes, on two members\' boards', () => {
  it('follows the shape the other member moves, with no write of its own; undoing the move brings it back', async () => {
    const { ada, bob, settle } = await boardPair();
    linked(ada.board);
    await settle();
    const drawn = bob.board.shape('link')!;
    close(drawn, { x: 100 + ATTACH_GAP + 1, y: 50 });
    close(end(drawn), { x: 300 - ATTACH_GAP - 1, y: 50 });
    const stored = (ada.board.doc.getMap('whiteboard').get('link') as Y.Map<unknown>).toJSON();

    bob.board.update('b', { x: 300, y: 400 }); // straight below-right now
    await settle();
    const moved = ada.board.shape('link')!;
    // Aimed from centre (50, 50) to centre (350, 450): 3-4-5, so it leaves a's bottom edge 62.5 out.
    const reach = 50 / 0.8 + ATTACH_GAP + 1;
    close(moved, { x: 50 + reach * 0.6, y: 50 + reach * 0.8 });
    close(end(moved), { x: 350 - reach * 0.6, y: 450 - reach * 0.8 });
    expect((ada.board.doc.getMap('whiteboard').get('link') as Y.Map<unknown>).toJSON()).toEqual(stored);
    expect(ada.history.state().canUndo).toBe(true); // her own three adds only

    bob.history.undo();
    await settle();
    close(ada.board.shape('link')!, { x: 100 + ATTACH_GAP + 1, y: 50 });
  });

  it('lets go where it is drawn when its shape is deleted, in the same undo step; undo attaches it again', async () => {
    const { ada, bob, settle } = await boardPair();
    linked(ada.board, { b: 'ellipse' });
    await settle();
    bob.board.update('b', { y: 200 });
    await settle();
    const before = bob.board.shape('link')!;
    bob.board.remove(['b']);
    await settle();
    const after = ada.board.shape('link')!;
    expect(after).toMatchObject({ from: 'a' });
    expect(after.to).toBeUndefined();
    close(after, before);
    close(end(after), end(before)); // not back at (350, 50), where it was first written

    bob.history.undo();
    await settle();
    expect(ada.board.shape('b')).toBeDefined();
    expect(ada.board.shape('link')).toMatchObject({ from: 'a', to: 'b' });
  });

  it('dragged alone, lets go of both shapes where it lands; dragged with them, stays attached', () => {
    const board = soloBoard();
    linked(board, { a: 'note', link: 'line' });
    const drawn = board.shape('link')!;
    board.transact(() => {
      const moving = new Set(['link', 'a', 'b']);
      for (const id of moving) board.update(id, movePatch(board.shape(id)!, 10, 20, moving));
    });
    expect(board.shape('link')).toMatchObject({ from: 'a', to: 'b' });
    close(board.shape('link')!, { x: drawn.x + 10, y: drawn.y + 20 });

    const now = board.shape('link')!;
    board.update('link', movePatch(now, 0, 50, new Set(['link'])));
    const alone = board.shape('link')!;
    expect(alone.from).toBeUndefined();
    expect(alone.to).toBeUndefined();
    close(alone, { x: now.x, y: now.y + 50 });
    close(end(alone), { x: end(now).x, y: end(now).y + 50 });
  });
});

describe('[BOARD-30] what may be attached, as a peer or a caller writes it', () => {
  it('a connector stays the same object until its own shapes move (a UI re-renders only what changed)', () => {
    const board = soloBoard();
    linked(board);
    board.add({ id: 'aside', kind: 'rect', x: 0, y: 500, w: 10, h: 10 });
    const link = board.shape('link');
    board.update('aside', { x: 50 });
    expect(board.shape('link')).toBe(link);
    board.update('b', { y: 40 });
    expect(board.shape('link')).not.toBe(link);
    expect(board.shapes()).toContain(board.shape('link'));
  });

  it('refuses attachments on other kinds and ids that are not ids; null lets go', () => {
    const board = soloBoard();
    board.add({ id: 'box', kind: 'rect', x: 0, y: 0, w: 10, h: 10 });
    expect(board.add({ kind: 'rect', x: 0, y: 0, from: 'box' })).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    expect(board.add({ kind: 'arrow', x: 0, y: 0, to: 'not an id!' })).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    expect(board.update('box', { to: 'box' })).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    const arrow = board.add({ kind: 'arrow', x: 50, y: 50, w: 100, h: 0, to: 'box' });
    expect(arrow.ok && arrow.value.to).toBe('box');
    const id = arrow.ok ? arrow.value.id : '';
    expect(board.update(id, { to: null })).toMatchObject({ ok: true, value: { x: 50, y: 50, w: 100, h: 0 } });
    expect(board.shape(id)!.to).toBeUndefined();
  });

  it('an attachment a peer wrote where there can be none is ignored, and the shape still drawn', () => {
    expect(shape({ kind: 'arrow', x: 1, y: 2, w: 3, h: 4, from: 's', to: 'other' })).toEqual(expect.objectContaining({ to: 'other' }));
    expect(shape({ kind: 'arrow', x: 1, y: 2, w: 3, h: 4, from: 's' }).from).toBeUndefined(); // its own id
    expect(shape({ kind: 'arrow', x: 1, y: 2, from: 42 })).toBeUndefined(); // malformed: as any bad field
    const board = soloBoard();
    board.add({ id: 'stroke', kind: 'pen', x: 0, y: 0, points: [0, 0, 0.5, 50, 50, 0.5] });
    board.add({ id: 'link', kind: 'arrow', x: 100, y: 100, w: 50, h: 0, from: 'stroke', to: 'gone' });
    // A stroke cannot be attached to, and a missing shape leaves its end where written.
    expect(board.shape('link')).toMatchObject({ x: 100, y: 100, w: 50, h: 0 });
  });
});

describe('[BOARD-30] connectors copied, exported and previewed', () => {
  it('a copy of two boxes and their arrow pastes an arrow between the copies; an arrow copied alone pastes free', () => {
    const board = soloBoard();
    linked(board);
    const [copyA, copyB, copyLink] = pasteShapes(board, shapesFromClipboard(shapesToClipboard(board.shapes()))!, 0, 500);
    expect(board.shape(copyLink!)).toMatchObject({ from: copyA, to: copyB });
    close(board.shape(copyLink!)!, { x: 100 + ATTACH_GAP + 1, y: 550 });
    board.update(copyB!, { y: 900 });
    expect(board.shape('link')!.h).toBeCloseTo(0, 6); // the original did not move with the copy

    const drawn = board.shape('link')!;
    const [alone] = pasteShapes(board, shapesFromClipboard(shapesToClipboard([drawn]))!, 16, 16);
    const free = board.shape(alone!)!;
    expect(free.from).toBeUndefined();
    expect(free.to).toBeUndefined();
    close(free, { x: drawn.x + 16, y: drawn.y + 16 });
    close(end(free), { x: end(drawn).x + 16, y: end(drawn).y + 16 });
  });

  it('the export and a preview read from the document draw the arrow where the board does', () => {
    const board = soloBoard();
    linked(board);
    board.update('b', { y: 300 });
    expect(readBoardShapes(board.doc)).toEqual(board.shapes());
    const svg = boardToSvg(board.shapes());
    // Corner to corner: it leaves a's bottom-right corner, then the gap and half the outline on.
    const x1 = Number(/<line [^>]*x1="([^"]+)"/.exec(svg)?.[1]);
    expect(x1).toBeCloseTo(100 + (ATTACH_GAP + 1) * Math.SQRT1_2, 6);
  });
});
