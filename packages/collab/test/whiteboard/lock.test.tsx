// @vitest-environment jsdom
// [BOARD-35] Locked shapes: a background or a template's frame that no pointer selects, moves,
// erases or edits by accident, for every member, until someone unlocks it.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { createBoard, newShapeProblem, patchProblem, readShape } from '../../src/whiteboard/index.js';
import { drag, twoBoards } from './two-boards.js';
import { boardPair } from './board-pair.js';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
const selectedIn = (root: Root): string[] => [...surfaceOf(root).querySelectorAll('[data-selected]')].map((el) => el.getAttribute('data-selected')!).sort();
const click = (root: Root, x: number, y: number): void => drag(surfaceOf(root), [[x, y]]);

describe('[BOARD-35] locked shapes', () => {
  it('locked is true or false in the document, read as true or absent', () => {
    expect(newShapeProblem({ kind: 'rect', x: 0, y: 0, locked: 'yes' })).toBe('locked must be true or false');
    expect(patchProblem({ locked: 1 })).toBe('locked must be true or false');
    expect(patchProblem({ locked: false })).toBeUndefined();
    expect(readShape('a', { kind: 'rect', x: 0, y: 0, locked: true })).toMatchObject({ locked: true });
    expect(readShape('a', { kind: 'rect', x: 0, y: 0, locked: false })).not.toHaveProperty('locked');
    expect(readShape('a', { kind: 'rect', x: 0, y: 0, locked: 'yes' })).toBeUndefined();
  });

  it('Lock lets the selection go; then no click, drag, box, eraser or Ctrl+A picks it on either board; Undo and Unlock all free it', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'bg', kind: 'rect', x: 10, y: 10, w: 200, h: 150 });
    board.add({ id: 'box', kind: 'ellipse', x: 300, y: 10, w: 60, h: 60 });
    await vi.waitFor(() => expect(surfaceOf(b).querySelectorAll('[data-shape-id]')).toHaveLength(2), { timeout: 5_000 });
    for (const root of [a, b]) fireEvent.click(root.getByRole('button', { name: 'Select' }));

    click(a, 12, 80); // on the rectangle's edge
    expect(selectedIn(a)).toEqual(['bg']);
    expect(a.queryByRole('button', { name: 'Unlock all' })).toBeNull();
    fireEvent.click(a.getByRole('button', { name: 'Lock' }));
    expect(selectedIn(a)).toEqual([]);
    await vi.waitFor(() => expect(b.getByRole('listitem', { name: 'Rectangle (locked)' })).toBeTruthy(), { timeout: 5_000 });

    for (const [root, who] of [[a, 'Ada'], [b, 'Bob']] as const) {
      click(root, 12, 80);
      expect(selectedIn(root), who).toEqual([]);
      drag(surfaceOf(root), [[12, 80], [100, 200]]); // a drag from it is a selection box, not a move
      act(() => void fireEvent.keyDown(surfaceOf(root), { key: 'a', ctrlKey: true }));
      expect(selectedIn(root), who).toEqual(['box']);
      act(() => void fireEvent.keyDown(surfaceOf(root), { key: 'Escape' }));
    }
    expect(board.shape('bg')).toMatchObject({ x: 10, y: 10, locked: true });
    fireEvent.click(b.getByRole('button', { name: 'Eraser' }));
    drag(surfaceOf(b), [[12, 20], [12, 150]]);
    expect(board.shape('bg')).toBeDefined();

    // Lock was one step of Ada's undo.
    fireEvent.click(a.getByRole('button', { name: 'Undo' }));
    await vi.waitFor(() => expect(board.shape('bg')?.locked).toBeUndefined(), { timeout: 5_000 });
    // Bob has it unlocked too before it is locked again: otherwise his Unlock all below would race Ada's lock.
    await vi.waitFor(() => expect(b.queryByRole('button', { name: 'Unlock all' })).toBeNull(), { timeout: 5_000 });
    click(a, 12, 80);
    expect(selectedIn(a)).toEqual(['bg']);
    act(() => void fireEvent.keyDown(surfaceOf(a), { key: 'L', ctrlKey: true, shiftKey: true })); // the key locks it again
    expect(selectedIn(a)).toEqual([]);
    await vi.waitFor(() => expect(b.getByRole('button', { name: 'Unlock all' })).toBeTruthy(), { timeout: 5_000 });
    fireEvent.click(b.getByRole('button', { name: 'Unlock all' }));
    await vi.waitFor(() => expect(a.queryByRole('button', { name: 'Unlock all' })).toBeNull(), { timeout: 5_000 });
    click(a, 12, 80);
    expect(selectedIn(a)).toEqual(['bg']);
  });
});

describe('[BOARD-38] the lock holds in the model', () => {
  it('[BOARD-38] another member\'s code may not move, restyle, delete or raise a locked shape, only unlock it; ignoreLock may; an attached arrow still lets go', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'frame', kind: 'rect', x: 0, y: 0, w: 400, h: 300, locked: true });
    ada.board.add({ id: 'box', kind: 'rect', x: 500, y: 0, w: 50, h: 50 });
    ada.board.add({ id: 'link', kind: 'arrow', x: 100, y: 100, w: 400, h: 0, from: 'box', locked: true });
    await settle();

    expect(bob.board.update('frame', { x: 50 })).toMatchObject({ ok: false, error: { code: 'shape_locked' } });
    expect(bob.board.update('frame', { locked: true, color: '#e03131' })).toMatchObject({ ok: false, error: { code: 'shape_locked' } });
    expect(bob.board.remove(['frame', 'box'])).toBe(1); // the box went, the frame stayed
    bob.board.bringToFront(['frame']);
    await settle();
    expect(ada.board.shape('frame')).toMatchObject({ x: 0, y: 0, z: 1, locked: true });
    expect(ada.board.shape('box')).toBeUndefined();
    // The locked arrow let go of the deleted box where it was drawn, as any arrow does (BOARD-30).
    expect(ada.board.shape('link')).not.toHaveProperty('from');

    expect(bob.board.update('frame', { x: 50 }, { ignoreLock: true })).toMatchObject({ ok: true, value: { x: 50 } });
    expect(bob.board.update('frame', { locked: false })).toMatchObject({ ok: true });
    expect(bob.board.update('frame', { y: 20 })).toMatchObject({ ok: true, value: { x: 50, y: 20 } });
    await settle();
    expect(ada.board.shape('frame')).toMatchObject({ x: 50, y: 20 });
    expect(ada.board.remove(['link'], { ignoreLock: true })).toBe(1);
  });
});
