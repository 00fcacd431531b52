// [BOARD-10] In real Chromium: the box a text is estimated to take (what it is outlined in, hit,
// snapped and turned about) covers the letters the browser draws, thin, medium and thick, and is not
// much wider. Nothing on the board measures glyphs (an export and a server's preview cannot), so this
// is where the estimate meets the glyphs.
import { describe, expect, it } from 'vitest';
import { frameOf } from '../../src/whiteboard/hit-test.js';
import { openBoardPage } from './board-page.js';

const TEXTS = ['Plan for Monday', 'Q3 roadmap: SHIP IT', 'ideas'];

describe('[BOARD-10] a text\'s box in Chromium', () => {
  it('covers what the browser draws at every width, and stays within a third more', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('text-box');
    const ids: string[] = [];
    let y = 40;
    for (const width of [2, 4, 8]) {
      for (const text of TEXTS) {
        const id = `t${ids.length}`;
        expect(nodeBoard.add({ id, kind: 'text', x: 40, y, text, color: '#1e1e1e', width }).ok).toBe(true);
        ids.push(id);
        y += 60;
      }
    }
    await expect.poll(() => page.locator('[data-shape-kind="text"]').count(), { timeout: 10_000 }).toBe(ids.length);
    for (const id of ids) {
      const shape = nodeBoard.shape(id)!;
      // The drawn letters in board units (the element's own coordinates).
      const drawn = await page.locator(`[data-shape-id="${id}"]`).evaluate((el) => (el as SVGGraphicsElement).getBBox().width);
      const box = frameOf(shape);
      const what = `"${shape.text}" at width ${shape.width}: box ${box.w}, drawn ${drawn.toFixed(1)}`;
      expect(box.w, what).toBeGreaterThanOrEqual(drawn * 0.9);
      expect(box.w, what).toBeLessThanOrEqual(drawn * 1.35);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
