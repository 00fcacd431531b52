// @vitest-environment jsdom
// [BOARD-30] <Whiteboard>'s Line and Arrow tools attach to the boxes they begin and end on, between
// two members through a real server: the arrow follows a box the other member drags, says what it
// joins to a screen reader, and lets go when dragged away on its own.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ATTACH_GAP } from '../../src/whiteboard/index.js';
import { drag, shapeIds, twoBoards } from './two-boards.js';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
/** The arrow's shaft as drawn: x1, y1, x2, y2. */
function shaft(root: Root, id: string): number[] {
  const line = surfaceOf(root).querySelector(`[data-shape-id="${id}"] line`);
  return ['x1', 'y1', 'x2', 'y2'].map((name) => Number(line?.getAttribute(name)));
}

describe('[BOARD-30] connectors in <Whiteboard>', () => {
  it('an arrow drawn from a rectangle to an ellipse joins them, follows the ellipse the other member drags, and lets go when dragged alone', async () => {
    const { a, b } = await twoBoards();
    fireEvent.click(a.getByRole('button', { name: 'Rectangle' }));
    drag(surfaceOf(a), [[50, 50], [100, 100], [150, 150]]);
    fireEvent.click(a.getByRole('button', { name: 'Ellipse' }));
    drag(surfaceOf(a), [[400, 50], [450, 100], [500, 150]]);
    fireEvent.click(a.getByRole('button', { name: 'Arrow' }));
    drag(surfaceOf(a), [[100, 100], [300, 110], [450, 100]]); // from inside the box to inside the ellipse
    const [, ellipse, arrow] = shapeIds(a);

    // Drawn from edge to edge, centre to centre, on both boards, and named by what it joins.
    const gap = ATTACH_GAP + 1; // the gap, and half the 2-unit outline
    expect(shaft(a, arrow!)).toEqual([150 + gap, 100, 400 - gap, 100]);
    await vi.waitFor(() => expect(b.getByRole('listitem', { name: 'Arrow from Rectangle to Ellipse' })).toBeTruthy(), { timeout: 5_000 });
    expect(shaft(b, arrow!)).toEqual([150 + gap, 100, 400 - gap, 100]);

    // Bob drags the ellipse 300 down: Ada's arrow now points down toward it.
    fireEvent.click(b.getByRole('button', { name: 'Select' }));
    drag(surfaceOf(b), [[450, 100], [450, 250], [450, 400]]);
    await vi.waitFor(() => expect(shaft(a, arrow!)[3]).toBeGreaterThan(300), { timeout: 5_000 });
    const [x1, y1, x2, y2] = shaft(a, arrow!) as [number, number, number, number];
    // On the line between the centres (100, 100) and (450, 400)…
    expect((y1 - 100) / (x1 - 100)).toBeCloseTo(300 / 350, 6);
    expect((400 - y2) / (450 - x2)).toBeCloseTo(300 / 350, 6);
    // …just outside each: the box's right edge (it is less steep than its diagonal), and the ellipse's curve (radii 50).
    expect(x1).toBeCloseTo(150 + gap * (350 / Math.hypot(350, 300)), 6);
    const out = Math.hypot(x2 - 450, y2 - 400);
    expect(out).toBeGreaterThan(50);
    expect(out).toBeLessThan(50 + gap + 0.01);
    expect(b.getByRole('listitem', { name: 'Arrow from Rectangle to Ellipse' })).toBeTruthy();

    // Ada drags the arrow by its middle, on its own: it lets go of both and lands where dropped.
    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const mid = { x: (x1 + x2) / 2, y: (y1 + y2) / 2 };
    drag(surfaceOf(a), [[mid.x, mid.y], [mid.x + 100, mid.y]]);
    await vi.waitFor(() => expect(b.getByRole('listitem', { name: 'Arrow' })).toBeTruthy(), { timeout: 5_000 });
    expect(shaft(b, arrow!)).toEqual([x1 + 100, y1, x2 + 100, y2].map((v) => expect.closeTo(v, 6)));
    expect(shapeIds(b)).toContain(ellipse);
  });

  it('while an arrow is drawn, the shapes it will hold to are outlined: the one it began on, then the one under the pointer; none once it is let go', async () => {
    const { a } = await twoBoards();
    fireEvent.click(a.getByRole('button', { name: 'Rectangle' }));
    drag(surfaceOf(a), [[50, 50], [150, 150]]);
    fireEvent.click(a.getByRole('button', { name: 'Ellipse' }));
    drag(surfaceOf(a), [[400, 50], [500, 150]]);
    const [box, oval] = shapeIds(a);
    const outlined = (): string[] => [...surfaceOf(a).querySelectorAll('[data-attach-target]')].map((el) => el.getAttribute('data-attach-target')!);
    fireEvent.click(a.getByRole('button', { name: 'Arrow' }));
    const base = { pointerId: 9, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    act(() => void fireEvent.pointerDown(surfaceOf(a), { ...base, clientX: 100, clientY: 100 }));
    expect(outlined()).toEqual([box]);
    act(() => void fireEvent.pointerMove(surfaceOf(a), { ...base, clientX: 300, clientY: 100 }));
    await vi.waitFor(() => expect(outlined()).toEqual([box])); // empty board under the pointer
    act(() => void fireEvent.pointerMove(surfaceOf(a), { ...base, clientX: 450, clientY: 100 }));
    await vi.waitFor(() => expect(outlined()).toEqual([box, oval]));
    act(() => void fireEvent.pointerUp(surfaceOf(a), { ...base, buttons: 0, clientX: 450, clientY: 100 }));
    expect(outlined()).toEqual([]);
  });

  it('an arrow drawn from empty board to a rectangle attaches its end only; a click with the Line tool on a box makes a free-standing line from it', async () => {
    const { a } = await twoBoards();
    fireEvent.click(a.getByRole('button', { name: 'Rectangle' }));
    drag(surfaceOf(a), [[300, 300], [400, 400]]);
    fireEvent.click(a.getByRole('button', { name: 'Arrow' }));
    drag(surfaceOf(a), [[50, 350], [200, 350], [350, 350]]);
    const [, arrow] = shapeIds(a);
    expect(a.getByRole('listitem', { name: 'Arrow to Rectangle' })).toBeTruthy();
    expect(shaft(a, arrow!)).toEqual([50, 350, 300 - ATTACH_GAP - 1, 350]);

    fireEvent.click(a.getByRole('button', { name: 'Line' }));
    drag(surfaceOf(a), [[350, 320]]);
    expect(a.getByRole('listitem', { name: 'Line from Rectangle' })).toBeTruthy();
  });
});
