// @vitest-environment jsdom
// [BOARD-32] Selecting by dragging a box on empty space with the Select tool: what the box wholly
// encloses is selected (Shift adds), the others see the selection, and a finger still pans.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { readShape, shapesWithin, type Shape } from '../../src/whiteboard/index.js';
import { createBoard } from '../../src/whiteboard/index.js';
import { drag, twoBoards } from './two-boards.js';
import { onCleanup } from '@kuiper/testkit';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
const selectedIn = (root: Root): string[] => [...surfaceOf(root).querySelectorAll('[data-selected]')].map((el) => el.getAttribute('data-selected')!).sort();

describe('[BOARD-32] selection marquee', () => {
  it('shapesWithin keeps the shapes wholly inside the box, whichever way it was dragged', () => {
    const shapes: Shape[] = [
      readShape('in', { kind: 'rect', x: 10, y: 10, w: 20, h: 20 })!,
      readShape('grazed', { kind: 'ellipse', x: 90, y: 10, w: 40, h: 20 })!,
      readShape('line', { kind: 'line', x: 50, y: 60, w: -30, h: 20 })!,
    ];
    expect(shapesWithin(shapes, { x: 0, y: 0, w: 100, h: 100 }).map((s) => s.id)).toEqual(['in', 'line']);
    expect(shapesWithin(shapes, { x: 100, y: 100, w: -100, h: -100 }).map((s) => s.id)).toEqual(['in', 'line']);
  });

  it('a mouse drag on empty space selects what it encloses, drawn as a box while dragged; Shift adds; the other member sees it; Delete removes them in one step', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'one', kind: 'rect', x: 20, y: 20, w: 60, h: 40 });
    board.add({ id: 'two', kind: 'note', x: 120, y: 20, w: 60, h: 60 });
    board.add({ id: 'far', kind: 'ellipse', x: 300, y: 300, w: 60, h: 60 });
    await vi.waitFor(() => expect(surfaceOf(a).querySelectorAll('[data-shape-id]')).toHaveLength(3));
    fireEvent.click(a.getByRole('button', { name: 'Select' }));

    const base = { pointerId: 3, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(surfaceOf(a), { ...base, clientX: 5, clientY: 5 }));
    act(() => void fireEvent.pointerMove(surfaceOf(a), { ...base, clientX: 200, clientY: 100 }));
    const box = surfaceOf(a).querySelector('[data-marquee]');
    expect([box?.getAttribute('x'), box?.getAttribute('y'), box?.getAttribute('width'), box?.getAttribute('height')]).toEqual(['5', '5', '195', '95']);
    act(() => void fireEvent.pointerUp(surfaceOf(a), { ...base, buttons: 0, clientX: 200, clientY: 100 }));
    expect(surfaceOf(a).querySelector('[data-marquee]')).toBeNull();
    expect(selectedIn(a)).toEqual(['one', 'two']);
    // The view did not move: a drag on empty space no longer pans with the mouse.
    expect(surfaceOf(a).querySelector('g')!.getAttribute('transform')).toBe('translate(0 0) scale(1)');
    await vi.waitFor(() => expect(surfaceOf(b).querySelectorAll('[data-peer-selection]')).toHaveLength(2), { timeout: 5_000 });

    // Grazing the far ellipse selects nothing new; Shift and a box around it adds it.
    drag(surfaceOf(a), [[250, 250], [320, 320]]);
    expect(selectedIn(a)).toEqual([]);
    drag(surfaceOf(a), [[5, 5], [200, 100]]);
    act(() => void fireEvent.pointerDown(surfaceOf(a), { ...base, shiftKey: true, clientX: 280, clientY: 280 }));
    act(() => void fireEvent.pointerMove(surfaceOf(a), { ...base, shiftKey: true, clientX: 380, clientY: 380 }));
    act(() => void fireEvent.pointerUp(surfaceOf(a), { ...base, buttons: 0, clientX: 380, clientY: 380 }));
    expect(selectedIn(a)).toEqual(['far', 'one', 'two']);

    act(() => void fireEvent.keyDown(surfaceOf(a), { key: 'Delete' }));
    await vi.waitFor(() => expect(surfaceOf(b).querySelectorAll('[data-shape-id]')).toHaveLength(0), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Undo' }));
    await vi.waitFor(() => expect(surfaceOf(b).querySelectorAll('[data-shape-id]')).toHaveLength(3), { timeout: 5_000 });
  });

  it('a finger dragged on empty space pans instead, and selects nothing', async () => {
    const { ada, a } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'one', kind: 'rect', x: 20, y: 20, w: 60, h: 40 });
    await vi.waitFor(() => expect(surfaceOf(a).querySelectorAll('[data-shape-id]')).toHaveLength(1));
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    drag(surfaceOf(a), [[5, 5], [105, 55]], 'touch');
    expect(surfaceOf(a).querySelector('g')!.getAttribute('transform')).toBe('translate(100 50) scale(1)');
    expect(selectedIn(a)).toEqual([]);
  });
});
