// @vitest-environment jsdom
// [BOARD-37] Align and distribute: the moves as a pure rule, then the Align select on a real
// board between two members (one undo step; an attached arrow follows its shapes).
import { act, fireEvent } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { alignMoves, boxOf, createBoard, readShape, type Shape } from '../../src/whiteboard/index.js';
import { twoBoards } from './two-boards.js';

const rect = (id: string, x: number, y: number, w: number, h: number): Shape => readShape(id, { kind: 'rect', x, y, w, h })!;

describe('[BOARD-37] align and distribute', () => {
  it('moves each box to the common edge or centre, or spaces them evenly between the outermost; an attached arrow stays out', () => {
    const shapes = [rect('a', 10, 10, 40, 20), rect('b', 100, 50, 20, 60), rect('c', 60, 200, 10, 10)];
    expect(alignMoves(shapes, 'left')).toEqual([{ id: 'b', dx: -90, dy: 0 }, { id: 'c', dx: -50, dy: 0 }]);
    expect(alignMoves(shapes, 'right')).toEqual([{ id: 'a', dx: 70, dy: 0 }, { id: 'c', dx: 50, dy: 0 }]);
    expect(alignMoves(shapes, 'top')).toEqual([{ id: 'b', dx: 0, dy: -40 }, { id: 'c', dx: 0, dy: -190 }]);
    expect(alignMoves(shapes, 'middle').map((m) => m.dy)).toEqual([90, 30, -95]); // centres to 110, the middle of 10…210
    // Horizontally by centre: a (30), c (65), b (110); a from 10 to 50 and b from 100 to 120 stay; the
    // gap left (110 - 40 - 10 - 20 = 40) is shared: c starts at 50 + 20 = 70.
    expect(alignMoves(shapes, 'distribute-x')).toEqual([{ id: 'c', dx: 10, dy: 0 }]);
    expect(alignMoves(shapes.slice(0, 2), 'distribute-x')).toEqual([]);
    expect(alignMoves(shapes.slice(0, 1), 'left')).toEqual([]);
    const arrow = readShape('link', { kind: 'arrow', x: 0, y: 500, w: 10, h: 10, from: 'a', to: 'b' })!;
    expect(alignMoves([...shapes, arrow], 'top').map((m) => m.id)).toEqual(['b', 'c']);
  });

  it('the Align select lines up the selection for both members in one undo step, and the arrow between them follows', async () => {
    const { ada, bob, a, b } = await twoBoards();
    const board = createBoard(ada);
    const bobs = createBoard(bob);
    onCleanup(() => (board.destroy(), bobs.destroy()));
    board.add({ id: 'one', kind: 'rect', x: 20, y: 20, w: 60, h: 40 });
    board.add({ id: 'two', kind: 'ellipse', x: 200, y: 120, w: 60, h: 60 });
    board.add({ id: 'link', kind: 'arrow', x: 80, y: 40, w: 120, h: 110, from: 'one', to: 'two' });
    await vi.waitFor(() => expect(b.getByRole('application', { name: 'Whiteboard' }).querySelectorAll('[data-shape-id]')).toHaveLength(3), { timeout: 5_000 });
    const align = a.getByRole('combobox', { name: 'Align' }) as HTMLSelectElement;
    expect(align.disabled).toBe(true); // nothing selected
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    act(() => void fireEvent.keyDown(a.getByRole('application', { name: 'Whiteboard' }), { key: 'a', ctrlKey: true }));
    expect(align.disabled).toBe(false);
    fireEvent.change(align, { target: { value: 'top' } });
    await vi.waitFor(() => expect(bobs.shape('two')).toMatchObject({ y: 20 }), { timeout: 5_000 });
    expect(board.shape('one')).toMatchObject({ x: 20, y: 20 });
    expect(board.shape('link')).toMatchObject({ from: 'one', to: 'two' });
    // The arrow is drawn from shape to shape: level now, between the two tops' middles.
    const link = board.shape('link')!;
    expect(Math.abs(link.h)).toBeLessThan(15);
    expect(boxOf(board.shape('two')!).y).toBe(20);

    fireEvent.click(a.getByRole('button', { name: 'Undo' }));
    await vi.waitFor(() => expect(bobs.shape('two')).toMatchObject({ y: 120 }), { timeout: 5_000 });
  });
});
