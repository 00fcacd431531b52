// @vitest-environment jsdom
// [BOARD-41] Rotation: the geometry (bounds, hits, connectors' edges and resizing follow the turned
// box), board.rotate between two members (one step, composes with a concurrent move), and the
// rotate handle and keys of a real <Whiteboard> as the other member sees them.
import { act, fireEvent, render, within } from '@testing-library/react';
import type * as Y from 'yjs';
import { describe, expect, it, vi } from 'vitest';
import { turnedCorners } from '../../src/whiteboard/geometry.js';
import { SelectionLayer } from '../../src/react/whiteboard/selection-layer.js';
import {
  BOARD_MAP,
  boardToSvg,
  createBoard,
  edgePoint,
  hits,
  patchProblem,
  readShape,
  resizePatch,
  rotationPivot,
  shapeBounds,
  snapRotation,
  uprightBox,
  type Shape,
} from '../../src/whiteboard/index.js';
import { onCleanup } from '@kuiper/testkit';
import { boardPair } from './board-pair.js';
import { twoBoards } from './two-boards.js';

const shape = (fields: Record<string, unknown>): Shape => readShape('s', fields)!;
const close = (a: { x: number; y: number }, b: { x: number; y: number }): void => {
  expect(a.x).toBeCloseTo(b.x, 6);
  expect(a.y).toBeCloseTo(b.y, 6);
};

describe('[BOARD-41] rotation', () => {
  it('[BOARD-41] an angle is read in [0, 360) on the kinds that turn, ignored on the others, and refused out of range', () => {
    expect(shape({ kind: 'rect', x: 0, y: 0, w: 10, h: 10, rotation: -90 }).rotation).toBe(270);
    expect(shape({ kind: 'note', x: 0, y: 0, w: 10, h: 10, rotation: 360 })).not.toHaveProperty('rotation'); // a full turn is upright
    expect(shape({ kind: 'line', x: 0, y: 0, w: 10, h: 0, rotation: 45 })).not.toHaveProperty('rotation'); // its points turn instead
    expect(shape({ kind: 'text', x: 0, y: 0, text: 'hi', rotation: 45 }).rotation).toBe(45); // about its estimated box
    expect(patchProblem({ rotation: 400 })).toBe('rotation must be a number of degrees from -360 to 360');
    expect(patchProblem({ rotation: Number.NaN })).toBe('rotation must be a number of degrees from -360 to 360');
    expect(readShape('s', { kind: 'rect', x: 0, y: 0, rotation: 'up' })).toBeUndefined(); // malformed: not drawn at all
  });

  it('[BOARD-41] a turned box: its bounds, what a press hits, where a connector meets it, and a resize that keeps its top-left corner', () => {
    const flat = { kind: 'rect', x: 0, y: 0, w: 100, h: 50 };
    const b = shapeBounds(shape({ ...flat, rotation: 90 }));
    close(b, { x: 25, y: -25 });
    expect([b.w, b.h].map((n) => Math.round(n))).toEqual([50, 100]);

    const bar = shape({ kind: 'rect', x: 0, y: 0, w: 200, h: 20, rotation: 90 }); // upright it would run from x 0 to 200
    expect(hits(bar, 100, -80, 0)).toBe(true); // it now stands through its centre (100, 10)
    expect(hits(bar, 10, 10, 0)).toBe(false); // where its left end was
    close(edgePoint(bar, { x: 500, y: 10 }), { x: 100 + 10 + 6 + 1, y: 10 }); // half its thickness, the gap, half the outline
    const slanted = { ...bar, rotation: 45 }; // from top left to bottom right: its bounds' other corners are empty
    expect(hits(slanted, 170, 80, 0)).toBe(true);
    expect(hits(slanted, 170, -60, 0)).toBe(false);

    const turned = shape({ ...flat, rotation: 90 });
    const patch = resizePatch(turned, 0, 30)!; // dragged down the board: along its turned width
    const resized = { ...turned, ...patch };
    expect([patch.w, patch.h]).toEqual([130, 50]);
    close(turnedCorners(uprightBox(resized), 90)[0], turnedCorners(uprightBox(turned), 90)[0]);

    expect(boardToSvg([turned])).toContain('transform="rotate(90 50 25)"'); // the export draws it turned
    expect(snapRotation(10, 22)).toBe(20); // lands on 30°
    expect(snapRotation(0, -8)).toBe(-15);
  });

  it('[BOARD-41] board.rotate: one shape about its centre, several about theirs as one piece; strokes and lines turn their points; a text turns about its box\'s centre; one undo step; a concurrent move is kept', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 'a', kind: 'rect', x: 0, y: 0, w: 100, h: 50 });
    ada.board.add({ id: 'b', kind: 'rect', x: 200, y: 0, w: 100, h: 50 });
    ada.board.add({ id: 'l', kind: 'line', x: 0, y: 100, w: 100, h: 0 });
    ada.board.add({ id: 'p', kind: 'pen', x: 0, y: 200, points: [0, 0, 0.5, 10, 0, 0.5] });
    ada.board.add({ id: 't', kind: 'text', x: 0, y: 300, text: 'level' });
    ada.board.add({ id: 'k', kind: 'rect', x: 0, y: 400, w: 10, h: 10, locked: true });
    await settle();

    expect(ada.board.rotate(['a'], 90)).toBe(1);
    await settle();
    expect(bob.board.shape('a')).toMatchObject({ x: 0, y: 0, w: 100, h: 50, rotation: 90 });

    // Together: about the centre of the box round both, (162.5, 25); each swaps place and turns half round.
    expect(ada.board.rotate(['a', 'b'], 180)).toBe(2);
    await settle();
    const [a, b] = [bob.board.shape('a')!, bob.board.shape('b')!];
    close(a, { x: 225, y: 0 });
    close(b, { x: 25, y: 0 });
    expect([a.rotation, b.rotation]).toEqual([270, 180]);
    ada.history.undo();
    await settle();
    expect(bob.board.shape('a')).toMatchObject({ x: 0, rotation: 90 });
    expect(bob.board.shape('b')).not.toHaveProperty('rotation');

    ada.board.rotate(['l'], 90);
    ada.board.rotate(['p'], 90);
    ada.board.rotate(['t'], 45);
    expect(ada.board.rotate(['k'], 90)).toBe(0); // locked (BOARD-38)
    // An angle written on a kind that does not keep one is refused: board.rotate turns its points.
    expect(ada.board.update('l', { rotation: 30 })).toMatchObject({ ok: false, error: { code: 'shape_invalid', message: expect.stringContaining('board.rotate turns the others') } });
    expect(ada.board.add({ kind: 'pen', x: 0, y: 0, points: [0, 0, 0.5], rotation: 30 })).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    await settle();
    const [l, p] = [bob.board.shape('l')!, bob.board.shape('p')!];
    close(l, { x: 50, y: 50 });
    expect([l.w, l.h].map((n) => Math.round(n))).toEqual([0, 100]);
    close(p, { x: 5, y: 195 });
    expect(p.points.map((n) => Math.round(n * 1000) / 1000)).toEqual([0, 0, 0.5, 0, 10, 0.5]);
    expect(bob.board.shape('t')).toMatchObject({ x: 0, y: 300, rotation: 45 }); // in place, about its box's centre
    expect(bob.board.shape('k')).not.toHaveProperty('rotation');

    // Ada turns a turned rectangle further while Bob drags it: both edits survive on both boards.
    // A turn about its own centre writes its angle alone: no x or y, not even one off by float dust
    // (the centre of a box turned 45° worked out from its bounds is).
    ada.board.rotate(['b'], 45);
    await settle();
    const written: string[] = [];
    (ada.member.room.doc.getMap(BOARD_MAP).get('b') as Y.Map<unknown>).observe((e) => e.transaction.local && written.push(...e.keysChanged));
    ada.board.rotate(['b'], 45);
    bob.board.update('b', { y: 500 });
    await settle();
    expect(written).toEqual(['rotation']);
    for (const seat of [ada, bob]) expect(seat.board.shape('b')).toMatchObject({ y: 500, rotation: 90 });
  });

  it('[BOARD-41] <Whiteboard>: the rotate handle turns the selection (Shift snaps to 15°), Shift+. turns it a step; the other member sees it turned; each is one undo step', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'r', kind: 'rect', x: 100, y: 100, w: 100, h: 50, fill: '#ffffff' });
    board.add({ id: 'q', kind: 'ellipse', x: 400, y: 100, w: 40, h: 40 }); // Ada's own adds: steps of her undo too, so made first
    const surface = (root: ReturnType<typeof within>): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
    await vi.waitFor(() => expect(surface(b).querySelector('[data-shape-id="r"]')).not.toBeNull(), { timeout: 5_000 });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="q"]')).not.toBeNull(), { timeout: 5_000 });
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: 150, clientY: 125 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 150, clientY: 125 }));
    const handle = (): Element => surface(a).querySelector('[data-rotate-handle]')!;
    expect(handle()).not.toBeNull();

    // The pointer goes a quarter round the centre (150, 125), from above it to its right.
    const turn = (points: Array<[number, number]>, shiftKey = false): void => {
      const [first, ...rest] = points;
      act(() => void fireEvent.pointerDown(handle(), { ...base, shiftKey, clientX: first![0], clientY: first![1] }));
      for (const [x, y] of rest) act(() => void fireEvent.pointerMove(surface(a), { ...base, shiftKey, clientX: x, clientY: y }));
      const [lx, ly] = points[points.length - 1]!;
      act(() => void fireEvent.pointerUp(surface(a), { ...base, shiftKey, buttons: 0, clientX: lx, clientY: ly }));
    };
    turn([[150, 70], [200, 80], [250, 125]]);
    await vi.waitFor(() => expect(surface(b).querySelector('[data-shape-id="r"]')?.getAttribute('transform')).toBe('rotate(90 150 125)'), { timeout: 5_000 });
    expect(b.getByRole('listitem', { name: 'Rectangle (turned 90°)' })).toBeTruthy();
    // Ada's selection as Bob sees it, turned too.
    await vi.waitFor(() => expect(surface(b).querySelector('[data-peer-selection="r"]')?.getAttribute('transform')).toBe('rotate(90 150 125)'), { timeout: 5_000 });
    expect(board.shape('r')).toMatchObject({ x: 100, y: 100 }); // turned in place
    expect(surface(a).querySelector('[data-selected="r"]')?.parentElement?.getAttribute('transform')).toBe('rotate(90 150 125)'); // the outline and resize handle turn with it
    expect((surface(a).querySelector('[data-resize-handle="r"]') as SVGElement).style.cursor).toBe('nesw-resize'); // its corner now points down and left

    // 50° further round with Shift: 140° snaps to 135°.
    turn([[250, 125], [150 + 100 * Math.cos((50 * Math.PI) / 180), 125 + 100 * Math.sin((50 * Math.PI) / 180)]], true);
    await vi.waitFor(() => expect(board.shape('r')?.rotation).toBe(135), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surface(a), { key: '>', code: 'Period', shiftKey: true }));
    await vi.waitFor(() => expect(board.shape('r')?.rotation).toBe(150), { timeout: 5_000 });

    // Two shapes: one handle, above the box round both.
    act(() => void fireEvent.pointerDown(surface(a), { ...base, shiftKey: true, clientX: 420, clientY: 120 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, shiftKey: true, buttons: 0, clientX: 420, clientY: 120 }));
    expect(surface(a).querySelectorAll('[data-selected]')).toHaveLength(2);
    expect(surface(a).querySelectorAll('[data-rotate-handle]')).toHaveLength(1);
    act(() => void fireEvent.keyDown(surface(a), { key: '<', code: 'Comma', shiftKey: true }));
    await vi.waitFor(() => expect(board.shape('r')?.rotation).toBe(135), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surface(a), { key: 'z', ctrlKey: true }));
    await vi.waitFor(() => expect(board.shape('r')?.rotation).toBe(150), { timeout: 5_000 });

    // Dragging their handle a quarter round: it stays on the box they began in, turned as far as they
    // are (the box round them changes as they go, and a handle on it jumped from the pointer), the angle beside it.
    const pivot = rotationPivot([board.shape('r')!, board.shape('q')!])!;
    const knob = surface(a).querySelector('[data-rotate-handle] circle')!;
    const [kx, ky] = ['cx', 'cy'].map((k) => Number(knob.getAttribute(k))) as [number, number];
    const quarter = { x: pivot.x - (ky - pivot.y), y: pivot.y + (kx - pivot.x) }; // the knob turned 90° clockwise
    act(() => void fireEvent.pointerDown(knob, { ...base, clientX: kx, clientY: ky }));
    act(() => void fireEvent.pointerMove(surface(a), { ...base, clientX: quarter.x, clientY: quarter.y }));
    await vi.waitFor(() => expect(board.shape('q')?.rotation).toBe(90), { timeout: 5_000 });
    expect(surface(a).querySelector('[data-turn-angle]')?.textContent).toBe('90°');
    const turned = surface(a).querySelector('[data-rotate-handle]')!;
    expect(turned.getAttribute('transform')).toBe(`rotate(90 ${pivot.x} ${pivot.y})`);
    expect(['cx', 'cy'].map((k) => Number(turned.querySelector('circle')!.getAttribute(k)))).toEqual([kx, ky]); // so on screen it is under the pointer
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: quarter.x, clientY: quarter.y }));
    expect(surface(a).querySelector('[data-turn-angle]')).toBeNull();
    act(() => void fireEvent.keyDown(surface(a), { key: 'z', ctrlKey: true }));
    await vi.waitFor(() => expect(board.shape('q')?.rotation).toBeUndefined(), { timeout: 5_000 });
    expect(board.shape('r')?.rotation).toBe(150);

    for (const expected of [135, 90, undefined]) {
      act(() => void fireEvent.keyDown(surface(a), { key: 'z', ctrlKey: true }));
      await vi.waitFor(() => expect(board.shape('r')?.rotation).toBe(expected), { timeout: 5_000 });
    }
    await vi.waitFor(() => expect(surface(b).querySelector('[data-shape-id="r"]')?.hasAttribute('transform')).toBe(false), { timeout: 5_000 });

    // At the view's top edge the handle is below the shape, and turns it all the same (about its centre, 640 22).
    board.add({ id: 'e', kind: 'rect', x: 600, y: 2, w: 80, h: 40 });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="e"]')).not.toBeNull(), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surface(a), { key: 'Escape' }));
    act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: 640, clientY: 20 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 640, clientY: 20 }));
    expect(handle().getAttribute('data-rotate-handle')).toBe('below');
    act(() => void fireEvent.pointerDown(handle(), { ...base, clientX: 640, clientY: 69 }));
    act(() => void fireEvent.pointerMove(surface(a), { ...base, clientX: 590, clientY: 22 }));
    await vi.waitFor(() => expect(board.shape('e')?.rotation).toBe(90), { timeout: 5_000 });
    // Its top edge is now in view, on the right; mid-turn the handle stays under the pointer, below the turned box.
    expect(handle().getAttribute('data-rotate-handle')).toBe('below');
    expect(handle().getAttribute('transform')).toBe('rotate(90 640 22)');
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 590, clientY: 22 }));

    // A text's outline (Ada's, and hers on Bob's board) goes round its characters:
    // a text's own w and h are 0, and the outline was a dot at its corner.
    board.add({ id: 't', kind: 'text', x: 100, y: 400, text: 'a few words' });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="t"]')).not.toBeNull(), { timeout: 5_000 });
    act(() => void fireEvent.keyDown(surface(a), { key: 'Escape' }));
    act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: 150, clientY: 410 }));
    act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: 150, clientY: 410 }));
    const width = (el: Element | null | undefined): number => Number(el?.getAttribute('width'));
    expect(width(surface(a).querySelector('[data-selected="t"]'))).toBeGreaterThan(100); // 11 characters, and the padding
    await vi.waitFor(() => expect(width(surface(b).querySelector('[data-peer-selection="t"]'))).toBeGreaterThan(100), { timeout: 5_000 });

    // A turned sticky note is written in a box turned with its paper.
    board.add({ id: 'n', kind: 'note', x: 300, y: 300, w: 100, h: 100, text: 'tilted', rotation: 30 });
    await vi.waitFor(() => expect(surface(a).querySelector('[data-shape-id="n"]')).not.toBeNull(), { timeout: 5_000 });
    act(() => void fireEvent.doubleClick(surface(a), { clientX: 350, clientY: 350 }));
    expect((a.getByRole('textbox', { name: 'Sticky note text' }) as HTMLTextAreaElement).style.transform).toBe('rotate(30deg)');
  });

  it('[BOARD-41] the rotate handle goes below a selection whose top is at the view\'s top edge, where it could not be reached', () => {
    const handleOf = (shapes: Shape[], viewTop: number): { side: string | null; knobY: number } => {
      const { container, unmount } = render(<svg><SelectionLayer shapes={shapes} zoom={1} accent="#000" handles viewTop={viewTop} /></svg>);
      const g = container.querySelector('[data-rotate-handle]');
      const out = { side: g?.getAttribute('data-rotate-handle') ?? null, knobY: Number(g?.querySelector('circle')?.getAttribute('cy')) };
      unmount();
      return out;
    };
    const top = shape({ kind: 'rect', x: 100, y: 5, w: 100, h: 50 });
    expect(handleOf([top], -100)).toEqual({ side: 'above', knobY: 5 - 5 - 22 }); // room above: 4 px and half the outline, then the stalk
    expect(handleOf([top], 0)).toEqual({ side: 'below', knobY: 55 + 5 + 22 });
    // Turned half round, its own top edge is at the bottom on screen: the handle stays on it.
    expect(handleOf([{ ...top, rotation: 180 }], 0).side).toBe('above');
    // Several shapes: below the box round them.
    const other = shape({ kind: 'ellipse', x: 300, y: 30, w: 40, h: 40 });
    expect(handleOf([top, other], 0)).toEqual({ side: 'below', knobY: 70 + 4 + 22 });
    expect(handleOf([top, other], -200).side).toBe('above');
  });
});
