// @vitest-environment jsdom
// [BOARD-40] Groups: the pure rules (who is picked with whom, what a selection box takes, copies in
// groups of their own), then Group and Ungroup on a real board between two members.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { asNewShape } from '../../src/whiteboard/clipboard.js';
import { canGroup, createBoard, pasteShapes, readShape, regroup, wholeGroupsWithin, withGroups, type Shape } from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';
import { drag, twoBoards } from './two-boards.js';

const box = (id: string, group?: string): Shape => readShape(id, { kind: 'rect', x: 0, y: 0, w: 10, h: 10, ...(group ? { group } : {}) })!;

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
const selectedIn = (root: Root): string[] => [...surfaceOf(root).querySelectorAll('[data-selected]')].map((el) => el.getAttribute('data-selected')!).sort();
const press = (root: Root, x: number, y: number, shiftKey = false): void => {
  const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true, shiftKey };
  act(() => void fireEvent.pointerDown(surfaceOf(root), { ...base, clientX: x, clientY: y }));
  act(() => void fireEvent.pointerUp(surfaceOf(root), { ...base, buttons: 0, clientX: x, clientY: y }));
};

describe('[BOARD-40] groups', () => {
  it('[BOARD-40] a shape is picked with its group; a selection box takes a group only whole; copies are grouped anew', () => {
    const shapes = [box('a', 'g1'), box('b', 'g1'), box('c'), box('d', 'g2'), box('e', 'g2')];
    expect(withGroups(shapes, ['a'])).toEqual(['a', 'b']);
    expect(withGroups(shapes, ['c'])).toEqual(['c']);
    expect(withGroups(shapes, ['c', 'e']).sort()).toEqual(['c', 'd', 'e']);
    expect(wholeGroupsWithin(shapes, ['a', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']); // b is outside: not g1
    expect(canGroup([box('a'), box('c')])).toBe(true);
    expect(canGroup([box('a', 'g1'), box('b', 'g1')])).toBe(false); // already one group
    expect(canGroup([box('a', 'g1'), box('b', 'g1'), box('c')])).toBe(true);
    expect(canGroup([box('c')])).toBe(false);
    let n = 0;
    expect(regroup([{ group: 'g1' }, { group: 'g2' }, {}, { group: 'g1' }], () => `new${++n}`)).toEqual([{ group: 'new1' }, { group: 'new2' }, {}, { group: 'new1' }]);
  });

  it('[BOARD-40] board.group and ungroup are one step each; two shapes at least, none locked; a pasted copy is a group of its own', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'a', kind: 'rect', x: 0, y: 0, w: 10, h: 10 });
    ada.board.add({ id: 'b', kind: 'rect', x: 20, y: 0, w: 10, h: 10 });
    ada.board.add({ id: 'frame', kind: 'rect', x: 0, y: 0, w: 99, h: 99, locked: true });
    expect(ada.board.group(['a'])).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    expect(ada.board.group(['a', 'frame'])).toMatchObject({ ok: false, error: { code: 'shape_locked' } });
    expect(ada.board.shape('a')).not.toHaveProperty('group');
    const grouped = ada.board.group(['a', 'b', 'nothing']);
    if (!grouped.ok) throw new Error(grouped.error.message);
    await settle();
    expect([bob.board.shape('a')?.group, bob.board.shape('b')?.group]).toEqual([grouped.value, grouped.value]);

    const copies = pasteShapes(ada.board, ada.board.shapes().filter((s) => s.group !== undefined).map(asNewShape), 50, 0);
    const copied = copies.map((id) => ada.board.shape(id)!.group);
    expect(copied[0]).toBeDefined();
    expect(copied[0]).not.toBe(grouped.value);
    expect(copied[1]).toBe(copied[0]);

    expect(ada.board.ungroup(['a', 'b'])).toBe(2);
    await settle();
    expect(bob.board.shape('a')).not.toHaveProperty('group');
    ada.history.undo();
    await settle();
    expect(bob.board.shape('b')?.group).toBe(grouped.value); // one step brought both back
  });

  it('[BOARD-40] Group (Ctrl+G) makes the selection one thing on both boards: a click picks it all, a drag moves it all, a box takes it only whole; Ungroup parts it; the eraser takes a group whole', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    const filled = { fill: '#ffffff' };
    board.add({ id: 'left', kind: 'rect', x: 20, y: 20, w: 60, h: 40, ...filled });
    board.add({ id: 'right', kind: 'rect', x: 200, y: 20, w: 60, h: 40, ...filled });
    board.add({ id: 'alone', kind: 'rect', x: 400, y: 20, w: 60, h: 40, ...filled });
    await vi.waitFor(() => expect(surfaceOf(b).querySelectorAll('[data-shape-id]')).toHaveLength(3), { timeout: 5_000 });
    for (const root of [a, b]) fireEvent.click(root.getByRole('button', { name: 'Select' }));

    press(a, 50, 40);
    expect((a.getByRole('button', { name: 'Group' }) as HTMLButtonElement).disabled).toBe(true); // one shape
    press(a, 230, 40, true);
    expect(selectedIn(a)).toEqual(['left', 'right']);
    expect(a.queryByRole('button', { name: 'Ungroup' })).toBeNull();
    const group = a.getByRole('button', { name: 'Group' });
    group.focus();
    fireEvent.click(group);
    await vi.waitFor(() => expect(b.queryAllByRole('listitem', { name: 'Rectangle (grouped)' })).toHaveLength(2), { timeout: 5_000 });
    // Group disabled itself (the selection is one group now): the keyboard is back on the board, not lost on the page.
    expect((group as HTMLButtonElement).disabled).toBe(true);
    expect(document.activeElement).toBe(surfaceOf(a));

    // Bob clicks one: both are his selection, and his drag moves both.
    press(b, 50, 40);
    expect(selectedIn(b)).toEqual(['left', 'right']);
    const outline = surfaceOf(b).querySelector('[data-group-outline]'); // one dashed box round the group
    expect([outline?.getAttribute('x'), outline?.getAttribute('width')].map(Number)).toEqual([20 - 9, 240 + 18]); // 8 px and half the outline clear of both
    drag(surfaceOf(b), [[50, 40], [60, 90], [60, 140]]);
    await vi.waitFor(() => expect([board.shape('left')?.y, board.shape('right')?.y, board.shape('alone')?.y]).toEqual([120, 120, 20]), { timeout: 5_000 });

    // A box around one of the two takes neither; around both, both.
    act(() => void fireEvent.keyDown(surfaceOf(a), { key: 'Escape' }));
    drag(surfaceOf(a), [[10, 110], [100, 170]]);
    expect(selectedIn(a)).toEqual([]);
    drag(surfaceOf(a), [[10, 110], [280, 170]]);
    expect(selectedIn(a)).toEqual(['left', 'right']);

    act(() => void fireEvent.keyDown(surfaceOf(a), { key: 'G', ctrlKey: true, shiftKey: true }));
    await vi.waitFor(() => expect(b.queryAllByRole('listitem', { name: 'Rectangle (grouped)' })).toHaveLength(0), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surfaceOf(b), { key: 'Escape' }));
    press(b, 50, 140);
    expect(selectedIn(b)).toEqual(['left']);
    // And Ctrl+G groups again from the keyboard.
    press(b, 430, 40, true);
    act(() => void fireEvent.keyDown(surfaceOf(b), { key: 'g', ctrlKey: true }));
    await vi.waitFor(() => expect(board.shape('alone')?.group).toBeDefined(), { timeout: 5_000 });
    expect(board.shape('left')?.group).toBe(board.shape('alone')?.group);

    // The eraser over one shape of a group erases all of it, and nothing else.
    fireEvent.click(b.getByRole('button', { name: 'Eraser' }));
    drag(surfaceOf(b), [[430, 40], [431, 41]]);
    await vi.waitFor(() => expect([board.shape('left'), board.shape('alone')]).toEqual([undefined, undefined]), { timeout: 5_000 });
    expect(board.shape('right')).toBeDefined();
  });
});
