// @vitest-environment jsdom
// [BOARD-44] Flip: board.flip mirrors the selection about the centre of the box round it, as both
// members see it (points of lines, arrows and strokes mirrored; a box moved to the other side with
// its angle mirrored and its content left readable), in one undo step, never a locked shape; and in
// a real <Whiteboard> the `Flip horizontal` / `Flip vertical` buttons and Shift+H / Shift+V.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createBoard, flipPatch, type Shape } from '../../src/whiteboard/index.js';
import { onCleanup } from '@kuiper/testkit';
import { boardPair } from './board-pair.js';
import { twoBoards } from './two-boards.js';

const geometry = (s: Shape | undefined): Record<string, unknown> => ({ x: s?.x, y: s?.y, w: s?.w, h: s?.h, rotation: s?.rotation });

describe('[BOARD-44] flip', () => {
  it('[BOARD-44] board.flip mirrors an arrow and a rectangle about the centre of the box round them, for both members; twice gives them back; one undo step', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'r', kind: 'rect', x: 0, y: 0, w: 100, h: 50 });
    ada.board.add({ id: 'a', kind: 'arrow', x: 200, y: 0, w: 100, h: 50 }); // from (200, 0) down to (300, 50)
    await settle();
    const before = [geometry(bob.board.shape('r')), geometry(bob.board.shape('a'))];

    // The box round both is (0, 0) to (300, 50): mirrored about x = 150, the rectangle goes to the
    // right end and the arrow, now from (100, 0) to (0, 50), points down and left.
    expect(ada.board.flip(['r', 'a'], 'horizontal')).toBe(2);
    await settle();
    for (const seat of [ada, bob]) {
      expect(geometry(seat.board.shape('r'))).toEqual({ x: 200, y: 0, w: 100, h: 50, rotation: undefined });
      expect(geometry(seat.board.shape('a'))).toEqual({ x: 100, y: 0, w: -100, h: 50, rotation: undefined });
    }
    ada.board.flip(['r', 'a'], 'horizontal');
    await settle();
    expect([geometry(bob.board.shape('r')), geometry(bob.board.shape('a'))]).toEqual(before);

    // Top to bottom, about y = 25: the arrow now runs from (200, 50) up to (300, 0); the rectangle,
    // as tall as the box, stays. One Ctrl+Z (the model's undo) takes the whole flip back.
    ada.board.flip(['r', 'a'], 'vertical');
    await settle();
    expect(geometry(bob.board.shape('a'))).toEqual({ x: 200, y: 50, w: 100, h: -50, rotation: undefined });
    expect(geometry(bob.board.shape('r'))).toEqual(before[0]);
    ada.history.undo();
    await settle();
    expect([geometry(bob.board.shape('r')), geometry(bob.board.shape('a'))]).toEqual(before);
  });

  it('[BOARD-44] a turned box mirrors its angle (0 stays absent) and keeps its content; a stroke\'s points mirror; a locked shape is not flipped', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 't', kind: 'rect', x: 0, y: 0, w: 100, h: 50, rotation: 30 });
    ada.board.add({ id: 'n', kind: 'note', x: 300, y: 0, w: 100, h: 100, text: 'read me', rotation: 90 });
    ada.board.add({ id: 'i', kind: 'text', x: 600, y: 0, text: 'upright' });
    ada.board.add({ id: 'p', kind: 'pen', x: 0, y: 200, points: [0, 0, 0.5, 10, 0, 0.5, 10, 5, 0.7] });
    ada.board.add({ id: 'k', kind: 'rect', x: 0, y: 400, w: 10, h: 10, locked: true });
    await settle();

    // Alone, each about its own centre: it stays where it is, its angle mirrored.
    ada.board.flip(['t'], 'horizontal');
    ada.board.flip(['n'], 'vertical');
    ada.board.flip(['i'], 'horizontal');
    await settle();
    expect(geometry(bob.board.shape('t'))).toEqual({ x: 0, y: 0, w: 100, h: 50, rotation: 330 });
    expect(bob.board.shape('n')).toMatchObject({ x: 300, y: 0, text: 'read me', rotation: 270 });
    expect(bob.board.shape('i')).toMatchObject({ x: 600, y: 0, text: 'upright' });
    expect(bob.board.shape('i')).not.toHaveProperty('rotation');
    ada.board.flip(['t'], 'vertical');
    await settle();
    expect(bob.board.shape('t')?.rotation).toBe(30);

    // A stroke from (0, 200) right to (10, 200) then down, mirrored about x = 5: from (10, 200) left, then down.
    ada.board.flip(['p'], 'horizontal');
    await settle();
    expect(bob.board.shape('p')).toMatchObject({ x: 10, y: 200, points: [0, 0, 0.5, -10, 0, 0.5, -10, 5, 0.7] });

    // A locked shape is left as it is, alone or in a selection.
    expect(ada.board.flip(['k'], 'horizontal')).toBe(0);
    expect(ada.board.flip(['k', 'i'], 'vertical')).toBe(1);
    await settle();
    expect(geometry(bob.board.shape('k'))).toEqual({ x: 0, y: 400, w: 10, h: 10, rotation: undefined });
    expect(bob.board.shape('i')).toMatchObject({ x: 600, y: 0 }); // about its own centre: the locked one is no part of the box
  });

  it('[BOARD-44] [BOARD-30] an arrow not flipped follows the shapes it joins; flipped with them it stays attached; flipped without the shape at its end it lets that end go', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'r', kind: 'rect', x: 0, y: 0, w: 100, h: 100 });
    ada.board.add({ id: 'e', kind: 'ellipse', x: 300, y: 0, w: 100, h: 100 });
    ada.board.add({ id: 'j', kind: 'arrow', x: 100, y: 50, w: 200, h: 0, from: 'r', to: 'e' });
    await settle();

    // The arrow not selected: the shapes swap places and it follows them, from the rectangle now on the right.
    ada.board.flip(['r', 'e'], 'horizontal');
    await settle();
    const j = bob.board.shape('j')!;
    expect(j).toMatchObject({ from: 'r', to: 'e' });
    expect(j.x).toBeCloseTo(300 - 6 - 1, 6); // the rectangle's left edge, the gap and half the outline out
    expect(j.x + j.w).toBeCloseTo(100 + 6 + 1, 6); // the ellipse's right edge, likewise

    // Flipped with them: back, and still attached.
    expect(ada.board.flip(['r', 'e', 'j'], 'horizontal')).toBe(3);
    await settle();
    expect(bob.board.shape('j')).toMatchObject({ from: 'r', to: 'e', x: 100 + 6 + 1, y: 50 });

    ada.board.flip(['e', 'j'], 'vertical');
    await settle();
    expect(bob.board.shape('j')?.from).toBeUndefined(); // its rectangle stayed: let go where it landed
    expect(bob.board.shape('j')?.to).toBe('e');
    // Pure: the patch an arrow gets names nothing else.
    const free: Shape = { ...bob.board.shape('j')!, from: 'x' };
    expect(flipPatch(free, 'horizontal', { x: 0, y: 0 }, new Set(['j']))).toMatchObject({ from: null });
  });

  it('[BOARD-44] <Whiteboard>: `Flip horizontal` mirrors the selection for the other member too and Ctrl+Z undoes it in one step; Shift+H and Shift+V flip; the buttons are disabled with nothing selected and for a locked shape', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'r', kind: 'rect', x: 100, y: 100, w: 100, h: 50, fill: '#ffffff' });
    board.add({ id: 'a', kind: 'arrow', x: 300, y: 100, w: 100, h: 50 });
    const surface = (root: ReturnType<typeof within>): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
    await vi.waitFor(() => expect(surface(b).querySelector('[data-shape-id="a"]')).not.toBeNull(), { timeout: 5_000 });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="a"]')).not.toBeNull(), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const flipH = a.getByRole('button', { name: 'Flip horizontal' }) as HTMLButtonElement;
    const flipV = a.getByRole('button', { name: 'Flip vertical' }) as HTMLButtonElement;
    expect([flipH.disabled, flipV.disabled]).toEqual([true, true]); // nothing selected

    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    const click = (x: number, y: number, shiftKey = false): void => {
      act(() => void fireEvent.pointerDown(surface(a), { ...base, shiftKey, clientX: x, clientY: y }));
      act(() => void fireEvent.pointerUp(surface(a), { ...base, shiftKey, buttons: 0, clientX: x, clientY: y }));
    };
    click(150, 125);
    click(350, 125, true); // the arrow's middle
    expect(surface(a).querySelectorAll('[data-selected]')).toHaveLength(2);
    expect([flipH.disabled, flipV.disabled]).toEqual([false, false]);

    // The box round both is (100, 100) to (400, 150): about x = 250 the rectangle goes to (300, 100)
    // and the arrow runs from (200, 100) to (100, 150), on Bob's board as on Ada's.
    const attrs = (el: Element | null, names: string[]): number[] => names.map((n) => Number(el?.getAttribute(n)));
    const drawn = (root: ReturnType<typeof within>): number[][] => [
      attrs(surface(root).querySelector('[data-shape-id="r"]'), ['x', 'y', 'width', 'height']),
      attrs(surface(root).querySelector('[data-shape-id="a"] line'), ['x1', 'y1', 'x2', 'y2']),
    ];
    const original = [[100, 100, 100, 50], [300, 100, 400, 150]];
    expect(drawn(b)).toEqual(original);
    fireEvent.click(flipH);
    const mirrored = [[300, 100, 100, 50], [200, 100, 100, 150]];
    await vi.waitFor(() => expect(drawn(b)).toEqual(mirrored), { timeout: 5_000 });
    expect(drawn(a)).toEqual(mirrored);

    act(() => void fireEvent.keyDown(surface(a), { key: 'z', ctrlKey: true }));
    await vi.waitFor(() => expect(drawn(b)).toEqual(original), { timeout: 5_000 });

    // Shift+H, then Shift+V (which leaves the Select tool as it is), from the keyboard.
    act(() => void fireEvent.keyDown(surface(a), { key: 'H', code: 'KeyH', shiftKey: true }));
    await vi.waitFor(() => expect(drawn(b)).toEqual(mirrored), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surface(a), { key: 'V', code: 'KeyV', shiftKey: true }));
    await vi.waitFor(() => expect(drawn(b)).toEqual([[300, 100, 100, 50], [200, 150, 100, 100]]), { timeout: 5_000 });
    expect(surface(a).querySelectorAll('[data-selected]')).toHaveLength(2);
    for (const expected of [mirrored, original]) {
      act(() => void fireEvent.keyDown(surface(a), { key: 'z', ctrlKey: true }));
      await vi.waitFor(() => expect(drawn(b)).toEqual(expected), { timeout: 5_000 });
    }

    // Locked by someone else while selected: nothing to flip, the buttons say so, and the keys leave it.
    act(() => void fireEvent.keyDown(surface(a), { key: 'Escape' }));
    click(150, 125);
    expect(flipH.disabled).toBe(false);
    act(() => void board.update('r', { locked: true }));
    await vi.waitFor(() => expect(flipH.disabled).toBe(true), { timeout: 5_000 });
    expect(flipV.disabled).toBe(true);
    act(() => void fireEvent.keyDown(surface(a), { key: 'H', code: 'KeyH', shiftKey: true }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(board.shape('r')).toMatchObject({ x: 100, y: 100 });
  });
});
