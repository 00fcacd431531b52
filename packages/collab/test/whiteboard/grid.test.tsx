// @vitest-environment jsdom
// [BOARD-42] The dot grid is the board's: it pans and zooms with the shapes, its dots on the
// board's multiples of GRID, and thinned out when zoomed far out.
import { act, fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { GRID, gridOf } from '../../src/whiteboard/index.js';
import { twoBoards } from './two-boards.js';

/** The board x of the first dot right of the surface's left edge, for a view and its grid. */
const firstDot = (view: { x: number; zoom: number }): number => {
  const g = gridOf({ ...view, y: 0 });
  return (g.x + g.size / 2 - view.x) / view.zoom; // a CSS dot sits in the middle of its tile
};

describe('[BOARD-42] the grid', () => {
  it('[BOARD-42] its dots stand on multiples of GRID at any pan and zoom, at least 10 px apart', () => {
    expect(gridOf({ x: 0, y: 0, zoom: 1 })).toEqual({ size: GRID, x: 10, y: 10 });
    for (const view of [{ x: 35, zoom: 2 }, { x: -123.5, zoom: 1.25 }, { x: 7, zoom: 0.3 }, { x: 0, zoom: 0.1 }]) {
      const dot = firstDot(view);
      expect(Math.abs(dot / GRID - Math.round(dot / GRID))).toBeLessThan(1e-9);
      expect(gridOf({ ...view, y: 0 }).size).toBeGreaterThanOrEqual(10);
    }
    expect(gridOf({ x: 0, y: 0, zoom: 0.1 }).size).toBe(16); // every eighth dot: 2 px apart would grey the board
  });

  it('[BOARD-42] <Whiteboard>: a pan moves the dots with the board, a zoom spaces them', async () => {
    const { a } = await twoBoards();
    const surface = a.getByRole('application', { name: 'Whiteboard' });
    expect([surface.style.backgroundSize, surface.style.backgroundPosition]).toEqual(['20px 20px', '10px 10px']);
    act(() => void fireEvent.wheel(surface, { deltaX: 0, deltaY: 30 })); // the board goes up 30 px
    expect(surface.style.backgroundPosition).toBe('10px 0px');
    act(() => void fireEvent.keyDown(surface, { key: '+' }));
    expect(surface.style.backgroundSize).toBe('25px 25px');
  });
});
