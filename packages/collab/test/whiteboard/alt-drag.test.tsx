// @vitest-environment jsdom
// [BOARD-34] Alt (Option) + drag with the Select tool drags copies of the selection away and leaves
// the originals where they were; the copy and the drag are one undo step; a connector copied with
// its shapes joins the copies.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { createBoard } from '../../src/whiteboard/index.js';
import { shapeIds, twoBoards } from './two-boards.js';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });

describe('[BOARD-34] Alt+drag duplicates', () => {
  it('drags copies away, the originals stay; the copies are selected; one Undo takes the copies back', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'box', kind: 'rect', x: 20, y: 20, w: 100, h: 60 });
    board.add({ id: 'oval', kind: 'ellipse', x: 300, y: 20, w: 100, h: 60 });
    board.add({ id: 'link', kind: 'arrow', x: 70, y: 50, w: 280, h: 0, from: 'box', to: 'oval' });
    await vi.waitFor(() => expect(shapeIds(a)).toHaveLength(3));
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    act(() => void fireEvent.keyDown(surfaceOf(a), { key: 'a', ctrlKey: true })); // all three

    const base = { pointerId: 5, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(surfaceOf(a), { ...base, altKey: true, clientX: 60, clientY: 40 }));
    act(() => void fireEvent.pointerMove(surfaceOf(a), { ...base, altKey: true, clientX: 60, clientY: 240 }));
    act(() => void fireEvent.pointerUp(surfaceOf(a), { ...base, buttons: 0, clientX: 60, clientY: 240 }));

    await vi.waitFor(() => expect(shapeIds(b)).toHaveLength(6), { timeout: 5_000 });
    expect(board.shape('box')).toMatchObject({ x: 20, y: 20 }); // the originals stay
    expect(board.shape('link')).toMatchObject({ from: 'box', to: 'oval' });
    const copies = board.shapes().filter((s) => !['box', 'oval', 'link'].includes(s.id));
    expect(copies.map((s) => [s.kind, s.y])).toEqual([['rect', 220], ['ellipse', 220], ['arrow', expect.closeTo(250, 6)]]);
    const [copyBox, copyOval, copyLink] = copies;
    expect(copyLink).toMatchObject({ from: copyBox!.id, to: copyOval!.id });
    const selected = [...surfaceOf(a).querySelectorAll('[data-selected]')].map((el) => el.getAttribute('data-selected')).sort();
    expect(selected).toEqual(copies.map((s) => s.id).sort());

    fireEvent.click(a.getByRole('button', { name: 'Undo' }));
    await vi.waitFor(() => expect(shapeIds(b).sort()).toEqual(['box', 'link', 'oval']), { timeout: 5_000 });
  });
});
