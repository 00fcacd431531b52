// [BOARD-15] [BOARD-4] The arithmetic of follow mode: what part of the board a view shows, the view
// that shows another member's part, and a viewport read from presence.
import { describe, expect, it } from 'vitest';
import { seeded } from '@kuiper/testkit';
import { boardPresencePatch, MAX_ZOOM, MIN_ZOOM, nudgeIntoView, readPeer, readViewport, viewportOf, viewShowing } from '../../src/whiteboard/index.js';

describe('[BOARD-15] viewports', () => {
  it('a surface the same size as the followed one shows exactly their viewport', () => {
    const size = { width: 640, height: 480 };
    const theirs = viewportOf({ x: -300, y: 120, zoom: 2 }, size);
    expect(theirs).toEqual({ x: 150, y: -60, w: 320, h: 240 });
    expect(viewShowing(theirs, size)).toEqual({ x: -300, y: 120, zoom: 2 });
  });

  it('seeded: on any other surface all of their viewport is shown, centred, as large as fits', () => {
    const next = seeded(15);
    for (let i = 0; i < 500; i++) {
      const theirs = { x: (next() - 0.5) * 4000, y: (next() - 0.5) * 4000, w: 100 + next() * 3000, h: 100 + next() * 2000 };
      const size = { width: 200 + Math.floor(next() * 1800), height: 200 + Math.floor(next() * 1000) };
      const view = viewShowing(theirs, size);
      const mine = viewportOf(view, size);
      const why = `run ${i}: ${JSON.stringify({ theirs, size })}`;
      if (view.zoom > MIN_ZOOM && view.zoom < MAX_ZOOM) {
        // Everything they see is on my screen (to the rounding of a tenth)…
        expect(mine.x, why).toBeLessThanOrEqual(theirs.x + 0.1);
        expect(mine.y, why).toBeLessThanOrEqual(theirs.y + 0.1);
        expect(mine.x + mine.w, why).toBeGreaterThanOrEqual(theirs.x + theirs.w - 0.2);
        expect(mine.y + mine.h, why).toBeGreaterThanOrEqual(theirs.y + theirs.h - 0.2);
        // …and it fills my screen one way: no bigger margin than needed.
        expect(Math.min(Math.abs(mine.w - theirs.w), Math.abs(mine.h - theirs.h)), why).toBeLessThan(0.2);
      }
      // Centred on the same board point.
      expect(mine.x + mine.w / 2, why).toBeCloseTo(theirs.x + theirs.w / 2, 0);
      expect(mine.y + mine.h / 2, why).toBeCloseTo(theirs.y + theirs.h / 2, 0);
    }
  });

  it('the zoom stays within the component\'s limits, however small or huge their viewport', () => {
    expect(viewShowing({ x: 0, y: 0, w: 1, h: 1 }, { width: 800, height: 600 }).zoom).toBe(MAX_ZOOM);
    expect(viewShowing({ x: 0, y: 0, w: 1e6, h: 1e6 }, { width: 800, height: 600 }).zoom).toBe(MIN_ZOOM);
  });

  it('[BOARD-4] a viewport and whom one follows travel in presence; a malformed one reads as none', () => {
    const patch = boardPresencePatch({ viewport: { x: 1, y: 2, w: 300, h: 200 } });
    expect(readPeer('c1', patch).viewport).toEqual({ x: 1, y: 2, w: 300, h: 200 });
    expect(readPeer('c1', boardPresencePatch({ viewport: null })).viewport).toBeNull();
    expect(readPeer('c1', boardPresencePatch({ following: 'c2' })).following).toBe('c2');
    expect(readPeer('c1', { following: 7 }).following).toBeNull();
    expect(readPeer('c1', { following: 'x'.repeat(500) }).following).toBeNull();
    for (const bad of [null, 'all', { x: 1, y: 2, w: 0, h: 5 }, { x: 1, y: 2, w: -3, h: 5 }, { x: 'a', y: 2, w: 3, h: 5 }, { x: 1, y: 2, w: 1e12, h: 5 }, { x: 1, y: 2, w: Number.NaN, h: 5 }]) {
      expect(readViewport(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('[BOARD-22] a box placed near an edge is moved just enough to be wholly in view; one larger than the view along an axis stays there', () => {
    const view = { x: 0, y: 0, w: 800, h: 600 };
    expect(nudgeIntoView({ x: 100, y: 100, w: 200, h: 100 }, view, 8)).toEqual({ x: 100, y: 100 }); // already in
    expect(nudgeIntoView({ x: 700, y: 550, w: 200, h: 100 }, view, 8)).toEqual({ x: 592, y: 492 });
    expect(nudgeIntoView({ x: -50, y: -20, w: 200, h: 100 }, view, 8)).toEqual({ x: 8, y: 8 });
    expect(nudgeIntoView({ x: -50, y: 550, w: 900, h: 100 }, view, 8)).toEqual({ x: -50, y: 492 }); // too wide: only moved up
    expect(nudgeIntoView({ x: 1000, y: 50, w: 100, h: 100 }, { x: 900, y: 0, w: 150, h: 600 }, 8)).toEqual({ x: 942, y: 50 });
  });
});
