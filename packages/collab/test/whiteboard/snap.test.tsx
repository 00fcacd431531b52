// @vitest-environment jsdom
// [BOARD-43] Snap to grid: with `Snap to grid` on (or Ctrl+'), a shape drawn, dragged or resized
// lands on the grid's dots, on the other member's board too; off, the pointer is followed exactly.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { snapOffset, snapPoint } from '../../src/whiteboard/snap.js';
import { createBoard, uprightBox } from '../../src/whiteboard/index.js';
import { turnedCorners } from '../../src/whiteboard/geometry.js';
import { drag, twoBoards } from './two-boards.js';

describe('[BOARD-43] snap to grid', () => {
  it('[BOARD-43] a board opened where Snap to grid was left on starts with it on', async () => {
    localStorage.setItem('kuiper-whiteboard-snap', '1');
    onCleanup(() => localStorage.removeItem('kuiper-whiteboard-snap'));
    const { a } = await twoBoards();
    await vi.waitFor(() => expect(a.getByRole('button', { name: 'Snap to grid' }).getAttribute('aria-pressed')).toBe('true'));
  });

  it('[BOARD-43] the nearest dot, and the move that puts a corner on one', () => {
    expect(snapPoint({ x: 33, y: -47 })).toEqual({ x: 40, y: -40 });
    expect(snapOffset({ x: 40, y: 40 }, { x: 27, y: 12 })).toEqual({ x: 20, y: 20 });
    expect(snapOffset({ x: 41, y: 40 }, { x: 0, y: 3 })).toEqual({ x: -1, y: 0 }); // a shape off the grid steps onto it
  });

  it('[BOARD-43] <Whiteboard>: drawn, dragged, nudged and resized onto the dots while it is on; followed exactly once Ctrl+\' turns it off', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    const surface = a.getByRole('application', { name: 'Whiteboard' });
    const toggle = a.getByRole('button', { name: 'Snap to grid' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    const dots = (): string => getComputedStyle(surface).backgroundImage;
    const faint = dots();
    expect(faint).toContain('#e3e6ea');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(dots()).toContain('#9aa1ab'); // the dots things now land on stand out

    fireEvent.click(a.getByRole('button', { name: 'Rectangle' }));
    drag(surface, [[33, 47], [90, 80], [151, 118]]);
    await vi.waitFor(() => expect(board.shapes()[0]).toMatchObject({ x: 40, y: 40, w: 120, h: 80 }), { timeout: 5_000 });
    const id = board.shapes()[0]!.id;

    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    drag(surface, [[100, 80], [115, 88], [127, 92]]); // 27 right, 12 down: the corner goes to the dot at (60, 60)
    await vi.waitFor(() => expect(board.shape(id)).toMatchObject({ x: 60, y: 60 }), { timeout: 5_000 });

    // The handle at the box's corner (180, 140): 13 right and 9 down lands it on (200, 140).
    const handle = surface.querySelector(`[data-resize-handle="${id}"]`)!;
    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(handle, { ...base, clientX: 185, clientY: 145 }));
    act(() => void fireEvent.pointerMove(surface, { ...base, clientX: 198, clientY: 154 }));
    act(() => void fireEvent.pointerUp(surface, { ...base, buttons: 0, clientX: 198, clientY: 154 }));
    await vi.waitFor(() => expect(board.shape(id)).toMatchObject({ x: 60, y: 60, w: 140, h: 80 }), { timeout: 5_000 });
    await vi.waitFor(() => expect(within(b.getByRole('application', { name: 'Whiteboard' })).getAllByRole('listitem')).toHaveLength(1), { timeout: 5_000 });
    const bobs = b.getByRole('application', { name: 'Whiteboard' }).querySelector(`[data-shape-id="${id}"]`)!;
    await vi.waitFor(() => expect(['x', 'y', 'width', 'height'].map((k) => bobs.getAttribute(k))).toEqual(['60', '60', '140', '80']), { timeout: 5_000 });

    act(() => void fireEvent.keyDown(surface, { key: 'ArrowRight' })); // a grid step, not a pixel
    await vi.waitFor(() => expect(board.shape(id)).toMatchObject({ x: 80, y: 60 }), { timeout: 5_000 });
    expect(localStorage.getItem('kuiper-whiteboard-snap')).toBe('1'); // the person's setting, for every room and the next visit

    // A new sticky note (centred on the press) and a new text have their corner on a dot.
    fireEvent.click(a.getByRole('button', { name: 'Sticky note' }));
    drag(surface, [[333, 247]]);
    const note = a.getByRole('textbox', { name: 'Sticky note text' }) as HTMLTextAreaElement;
    expect([note.style.left, note.style.top]).toEqual(['240px', '140px']); // (233, 147) to the dot at (240, 140)
    fireEvent.change(note, { target: { value: 'on the grid' } });
    fireEvent.blur(note);
    fireEvent.click(a.getByRole('button', { name: 'Text' }));
    drag(surface, [[507, 93]]);
    const text = a.getByRole('textbox', { name: 'Text note' }) as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: 'a label' } });
    fireEvent.blur(text);
    await vi.waitFor(() => expect(board.shapes().map(({ kind, x, y }) => ({ kind, x, y }))).toEqual([
      { kind: 'rect', x: 80, y: 60 },
      { kind: 'note', x: 240, y: 140 },
      { kind: 'text', x: 500, y: 100 },
    ]), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    act(() => void fireEvent.keyDown(surface, { key: 'Escape' }));
    act(() => void fireEvent.pointerDown(surface, { ...base, clientX: 120, clientY: 100 }));
    act(() => void fireEvent.pointerUp(surface, { ...base, buttons: 0, clientX: 120, clientY: 100 }));

    act(() => void fireEvent.keyDown(surface, { key: "'", ctrlKey: true }));
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(dots()).toBe(faint);
    drag(surface, [[100, 80], [107, 83]]);
    await vi.waitFor(() => expect(board.shape(id)).toMatchObject({ x: 87, y: 63 }), { timeout: 5_000 });
    expect(localStorage.getItem('kuiper-whiteboard-snap')).toBe('0');
  });

  it('[BOARD-43] [BOARD-41] a turned shape\'s resize handle lands its turned corner on a dot', async () => {
    const { ada, a } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'r', kind: 'rect', x: 100, y: 100, w: 100, h: 50, rotation: 90 }); // its handle's corner is at (125, 175)
    const surface = a.getByRole('application', { name: 'Whiteboard' });
    await vi.waitFor(() => expect(surface.querySelector('[data-shape-id="r"]')).not.toBeNull(), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Snap to grid' }));
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    drag(surface, [[150, 125]]);
    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(surface.querySelector('[data-resize-handle="r"]')!, { ...base, clientX: 125, clientY: 175 }));
    act(() => void fireEvent.pointerMove(surface, { ...base, clientX: 133, clientY: 187 }));
    act(() => void fireEvent.pointerUp(surface, { ...base, buttons: 0, clientX: 133, clientY: 187 }));
    await vi.waitFor(() => expect(board.shape('r')?.w).not.toBe(100), { timeout: 5_000 });
    const corner = turnedCorners(uprightBox(board.shape('r')!), 90)[2];
    expect([corner.x, corner.y].map((n) => Math.round(n * 1e6) / 1e6)).toEqual([140, 180]); // the dot nearest (133, 187)
    expect(board.shape('r')).toMatchObject({ w: 105, h: 35, rotation: 90 });
  });
});
