// @vitest-environment jsdom
// [BOARD-41] A text turns like a box: about the centre of the box its characters are estimated to
// take (`frameOf`), the one pivot its drawing, hit-testing, outlines, connectors, export, board.rotate
// and the rotate handle agree on, as a member and the other member see it.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { turnedCorners } from '../../src/whiteboard/geometry.js';
import { frameOf } from '../../src/whiteboard/hit-test.js';
import { boardExtent, boardToSvg, boxOf, createBoard, edgePoint, hits, readShape, type Shape } from '../../src/whiteboard/index.js';
import { onCleanup } from '@kuiper/testkit';
import { boardPair } from './board-pair.js';
import { twoBoards } from './two-boards.js';

const shape = (fields: Record<string, unknown>): Shape => readShape('t', fields)!;
const close = (a: { x: number; y: number }, b: { x: number; y: number }): void => {
  expect(a.x).toBeCloseTo(b.x, 6);
  expect(a.y).toBeCloseTo(b.y, 6);
};

// 13 characters at (100, 100), outline 2 wide: its box is 130 × 24 (BOARD-10's estimate), centre (165, 112).
// Turned a quarter, it stands from (153, 47) to (177, 177).
const LINE = { kind: 'text', x: 100, y: 100, text: 'a longer line' } as const;

describe('[BOARD-41] a turned text', () => {
  it('[BOARD-41] keeps its angle, is drawn, hit, met by connectors and exported turned about the centre of its box', () => {
    const turned = shape({ ...LINE, rotation: 90 });
    expect(turned.rotation).toBe(90);
    expect(boardToSvg([turned])).toContain('transform="rotate(90 165 112)"');
    expect(hits(turned, 165, 170, 0)).toBe(true); // below where it was: it now stands there
    expect(hits(turned, 220, 112, 0)).toBe(false); // its right end, upright
    close(edgePoint(turned, { x: 500, y: 112 }), { x: 165 + 12 + 6 + 1, y: 112 }); // half its turned width, the gap, half the outline
    const e = boardExtent([turned], 0);
    expect(e.y).toBeLessThanOrEqual(47);
    expect(e.y + e.height).toBeGreaterThanOrEqual(177);
  });

  it('[BOARD-41] board.rotate turns a text about its box\'s centre, and with a rectangle as one piece; an angle may be written on it', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'r', kind: 'rect', x: 0, y: 0, w: 100, h: 50 });
    ada.board.add({ id: 't', kind: 'text', x: 200, y: 0, text: 'abcd' }); // its box (200, 0) 40 × 24, centre (220, 12)
    await settle();
    // Together, about the centre of the box round both, (120, 25): each centre goes a quarter round it.
    expect(ada.board.rotate(['r', 't'], 90)).toBe(2);
    await settle();
    const [r, t] = [bob.board.shape('r')!, bob.board.shape('t')!];
    expect([r.rotation, t.rotation]).toEqual([90, 90]);
    close(r, { x: 70, y: -70 }); // its centre at (120, -45)
    close(t, { x: 113, y: 113 }); // its centre at (133, 125)
    // So the text is where it was from the rectangle, turned with it: (170, -13) from its centre is now (13, 170).
    const centre = (s: Shape): { x: number; y: number } => ({ x: frameOf(s).x + frameOf(s).w / 2, y: frameOf(s).y + frameOf(s).h / 2 });
    close({ x: centre(t).x - centre(r).x, y: centre(t).y - centre(r).y }, { x: 13, y: 170 });

    // Alone, it turns in place: only its angle is written.
    ada.board.rotate(['t'], 45);
    await settle();
    expect(bob.board.shape('t')).toMatchObject({ x: t.x, y: t.y, rotation: 135 });
    expect(ada.board.update('t', { rotation: 30 })).toMatchObject({ ok: true });
    expect(ada.board.add({ kind: 'text', x: 0, y: 0, text: 'tilted', rotation: 20 })).toMatchObject({ ok: true });
    await settle();
    expect(bob.board.shape('t')?.rotation).toBe(30);
    expect(bob.board.shapes().find((s) => s.text === 'tilted')?.rotation).toBe(20);
  });

  it('[BOARD-41] <Whiteboard>: a press on a turned text\'s drawn characters picks it, not one where they were; the rotate handle turns it in place; it is edited turned, its first line staying put; dragged, it snaps as it stands', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 't', ...LINE });
    const surface = (root: ReturnType<typeof within>): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="t"]')).not.toBeNull(), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    const click = (x: number, y: number): void => {
      act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: x, clientY: y }));
      act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: x, clientY: y }));
    };
    const selected = (): boolean => surface(a).querySelector('[data-selected="t"]') !== null;

    // The handle above its own top edge, at (165, 73), goes a quarter round its box's centre (165, 112).
    click(165, 112);
    expect(selected()).toBe(true);
    const handle = surface(a).querySelector('[data-rotate-handle]')!;
    act(() => void fireEvent.pointerDown(handle, { ...base, clientX: 165, clientY: 73 }));
    act(() => void fireEvent.pointerMove(surface(a), { ...base, clientX: 204, clientY: 112 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 204, clientY: 112 }));
    await vi.waitFor(() => expect(board.shape('t')?.rotation).toBe(90), { timeout: 5_000 });
    expect(board.shape('t')).toMatchObject({ x: 100, y: 100 }); // turned in place
    await vi.waitFor(() => expect(surface(b).querySelector('[data-shape-id="t"]')?.getAttribute('transform')).toBe('rotate(90 165 112)'), { timeout: 5_000 });
    expect(b.getByRole('listitem', { name: 'Text: a longer line (turned 90°)' })).toBeTruthy();
    // Ada's outline turns with it, and so does her selection as Bob sees it.
    expect(surface(a).querySelector('[data-selected="t"]')?.parentElement?.getAttribute('transform')).toBe('rotate(90 165 112)');
    await vi.waitFor(() => expect(surface(b).querySelector('[data-peer-selection="t"]')?.getAttribute('transform')).toBe('rotate(90 165 112)'), { timeout: 5_000 });

    click(220, 112); // where its right end was: nothing there now
    expect(selected()).toBe(false);
    click(165, 170); // below its box upright, where it now stands
    expect(selected()).toBe(true);

    // Edited: the editor stands on its turned top-left corner, (177, 47), turned with it; the longer
    // text grows along its line from there, that corner staying where it was.
    const corner = (): { x: number; y: number } => turnedCorners(frameOf(board.shape('t')!), 90)[0];
    close(corner(), { x: 177, y: 47 });
    act(() => void fireEvent.doubleClick(surface(a), { clientX: 165, clientY: 170 }));
    const editor = a.getByRole('textbox', { name: 'Text note' }) as HTMLTextAreaElement;
    expect(editor.value).toBe('a longer line');
    close({ x: parseFloat(editor.style.left), y: parseFloat(editor.style.top) }, { x: 177, y: 47 });
    expect([editor.style.transform, editor.style.transformOrigin]).toEqual(['rotate(90deg)', '0 0']);
    fireEvent.change(editor, { target: { value: 'a longer line still' } });
    fireEvent.blur(editor);
    await vi.waitFor(() => expect(board.shape('t')?.text).toBe('a longer line still'), { timeout: 5_000 });
    close(corner(), { x: 177, y: 47 });

    // [BOARD-43] Dragged with Snap to grid on, the corner of the box round it, as it stands, goes to a dot.
    onCleanup(() => localStorage.removeItem('kuiper-whiteboard-snap'));
    fireEvent.click(a.getByRole('button', { name: 'Snap to grid' }));
    const before = { ...board.shape('t')! };
    act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: 165, clientY: 170 }));
    act(() => void fireEvent.pointerMove(surface(a), { ...base, clientX: 178, clientY: 177 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 178, clientY: 177 }));
    await vi.waitFor(() => expect(board.shape('t')?.x).not.toBe(before.x), { timeout: 5_000 });
    close(boxOf(board.shape('t')!), { x: 160, y: 60 }); // from (153, 47), 13 right and 7 down: the nearest dot
    fireEvent.click(a.getByRole('button', { name: 'Snap to grid' }));

    // Shift+. turns it a step further.
    act(() => void fireEvent.keyDown(surface(a), { key: '>', code: 'Period', shiftKey: true }));
    await vi.waitFor(() => expect(board.shape('t')?.rotation).toBe(105), { timeout: 5_000 });
  });
});
