// [BOARD-17] Shapes through the clipboard's text: what one board copies another pastes, one undo
// step and one transaction; whatever else a clipboard holds is checked like a peer's shape.
import { describe, expect, it } from 'vitest';
import { CLIPBOARD_FORMAT, MAX_PASTED_SHAPES, noteFromText, pasteShapes, shapesFromClipboard, shapesToClipboard } from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';

describe('[BOARD-17] whiteboard clipboard', () => {
  it('a copy pasted on another member\'s board is the same shapes, new ids, moved, in front, in order, one undo step', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'back', kind: 'rect', x: 10, y: 10, w: 50, h: 40, color: '#e03131', fill: '#ffc9c9' });
    ada.board.add({ id: 'front', kind: 'pen', x: 5, y: 5, points: [0, 0, 0.5, 10, 10, 0.5], width: 4 });
    bob.board.add({ id: 'bobs', kind: 'ellipse', x: 0, y: 0, w: 10, h: 10 });
    await settle();
    const text = shapesToClipboard(ada.board.shapes().filter((s) => s.id !== 'bobs'));
    expect(JSON.parse(text)).toMatchObject({ format: CLIPBOARD_FORMAT, v: 1 });

    const copied = shapesFromClipboard(text)!;
    const ids = pasteShapes(bob.board, copied, 16, 16);
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain('back');
    const [rect, pen] = ids.map((id) => bob.board.shape(id)!);
    expect(rect).toMatchObject({ kind: 'rect', x: 26, y: 26, w: 50, h: 40, color: '#e03131', fill: '#ffc9c9' });
    expect(pen).toMatchObject({ kind: 'pen', x: 21, y: 21, points: [0, 0, 0.5, 10, 10, 0.5], width: 4 });
    // In front of everything there was, in the copied order.
    expect(bob.board.shapes().map((s) => s.id).slice(-2)).toEqual(ids);
    await settle();
    expect(ada.board.shapes()).toHaveLength(5);
    expect(bob.history.undo()).toBe(true); // the whole paste at once
    expect(bob.board.shapes().map((s) => s.id).sort()).toEqual(['back', 'bobs', 'front']);
  });

  it('a clipboard that is not a board\'s copy, or holds bad shapes, adds nothing bad: unusable shapes are skipped', () => {
    expect(shapesFromClipboard('just some words')).toBeUndefined();
    expect(shapesFromClipboard('{"format":"kuiper-board-shapes", oops')).toBeUndefined();
    expect(shapesFromClipboard(JSON.stringify({ format: 'other', shapes: [] }))).toBeUndefined();
    expect(shapesFromClipboard(JSON.stringify({ format: CLIPBOARD_FORMAT, shapes: 'none' }))).toBeUndefined();
    const mixed = shapesFromClipboard(
      JSON.stringify({
        format: CLIPBOARD_FORMAT,
        shapes: [
          { kind: 'rect', x: 1, y: 2, id: 'taken', z: 1e6 },
          { kind: 'rect', x: 'far' },
          { kind: 'virus', x: 0, y: 0 },
          null,
          { kind: 'text', x: 0, y: 0, text: 'x'.repeat(20_000) },
          { kind: 'line', x: 0, y: 0, w: 5, h: 5, color: '#00ff00' },
        ],
      }),
    );
    expect(mixed).toEqual([
      { kind: 'rect', x: 1, y: 2 },
      { kind: 'line', x: 0, y: 0, w: 5, h: 5, color: '#00ff00' },
    ]);
    const many = Array.from({ length: MAX_PASTED_SHAPES + 50 }, (_, i) => ({ kind: 'rect', x: i, y: 0 }));
    expect(shapesFromClipboard(JSON.stringify({ format: CLIPBOARD_FORMAT, shapes: many }))).toHaveLength(MAX_PASTED_SHAPES);
  });

  it('plain text becomes a text note; blank text nothing', () => {
    expect(noteFromText('  Ship it  \n', { x: 3, y: 4 })).toEqual({ kind: 'text', x: 3, y: 4, text: 'Ship it' });
    expect(noteFromText(' \n\t', { x: 0, y: 0 })).toBeUndefined();
  });
});
