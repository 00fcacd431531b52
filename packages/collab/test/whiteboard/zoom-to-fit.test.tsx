// @vitest-environment jsdom
// [BOARD-33] Zoom to fit: Shift+1 (or the Zoom to fit button) shows the whole board, Shift+2 (or the
// button with a selection) the selected shapes, never above 100%.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { createBoard, readShape, viewFitting } from '../../src/whiteboard/index.js';
import { drag, twoBoards } from './two-boards.js';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
/** The view as the surface's transform says: translate(x y) scale(zoom). */
function viewOf(root: Root): { x: number; y: number; zoom: number } {
  const [x, y, zoom] = (surfaceOf(root).querySelector('g')!.getAttribute('transform')!.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g) ?? []).map(Number);
  return { x: x!, y: y!, zoom: zoom! };
}
/** Within 2 px: the fitted box keeps room below a shape for a text's descenders, so its middle is a pixel low. */
function near(p: { x: number; y: number }, q: { x: number; y: number }): void {
  expect(Math.abs(p.x - q.x)).toBeLessThanOrEqual(2);
  expect(Math.abs(p.y - q.y)).toBeLessThanOrEqual(2);
}
/** Where a board point is on the screen in that view. */
const onScreen = (v: { x: number; y: number; zoom: number }, p: { x: number; y: number }) => ({ x: p.x * v.zoom + v.x, y: p.y * v.zoom + v.y });

describe('[BOARD-33] zoom to fit', () => {
  it('viewFitting centres what it shows, shrinks a large board to fit and leaves a small shape at 100%', () => {
    const size = { width: 800, height: 600 };
    const far = [readShape('a', { kind: 'rect', x: -2000, y: 0, w: 100, h: 100 })!, readShape('b', { kind: 'rect', x: 3000, y: 400, w: 100, h: 100 })!];
    const all = viewFitting(far, size);
    expect(all.zoom).toBeLessThan(0.2);
    for (const corner of [{ x: -2000, y: 0 }, { x: 3100, y: 500 }]) {
      const p = onScreen(all, corner);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(800);
    }
    const one = viewFitting([far[1]!], size);
    expect(one.zoom).toBe(1);
    near(onScreen(one, { x: 3050, y: 450 }), { x: 400, y: 300 });
    expect(viewFitting([], size)).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it('Shift+1 shows every shape, Shift+2 and the button the selection', async () => {
    const { ada, a } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    board.add({ id: 'near', kind: 'rect', x: 20, y: 20, w: 60, h: 40 });
    board.add({ id: 'far', kind: 'ellipse', x: 2400, y: 1600, w: 100, h: 80 });
    await vi.waitFor(() => expect(surfaceOf(a).querySelectorAll('[data-shape-id]')).toHaveLength(2));
    const surface = surfaceOf(a);

    act(() => void fireEvent.keyDown(surface, { key: '!', code: 'Digit1', shiftKey: true }));
    const all = viewOf(a);
    expect(all.zoom).toBeLessThan(0.25);
    // jsdom lays nothing out: the board's stand-in surface is 480 × 320.
    for (const corner of [{ x: 20, y: 20 }, { x: 2500, y: 1680 }]) {
      const p = onScreen(all, corner);
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(480);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(320);
    }

    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const far = onScreen(all, { x: 2450, y: 1640 });
    drag(surface, [[far.x, far.y]]); // a click on the ellipse selects it
    expect(surface.querySelector('[data-selected="far"]')).not.toBeNull();
    act(() => void fireEvent.keyDown(surface, { key: '@', code: 'Digit2', shiftKey: true }));
    expect(viewOf(a).zoom).toBe(1);
    near(onScreen(viewOf(a), { x: 2450, y: 1640 }), { x: 240, y: 160 });

    fireEvent.click(a.getByRole('button', { name: 'Reset view' }));
    fireEvent.click(a.getByRole('button', { name: 'Zoom to fit' })); // with the ellipse still selected
    near(onScreen(viewOf(a), { x: 2450, y: 1640 }), { x: 240, y: 160 });
  });
});
