// [BOARD-31] In real Chromium, with the mouse: the laser pointer's trail shows on the page and
// reaches a Node member through presence while the button is held, then fades on both.
import { describe, expect, it, vi } from 'vitest';
import { openBoardPage } from './board-page.js';

describe('[BOARD-31] laser pointer in Chromium', () => {
  it('a mouse drag with K leaves a trail the page draws and a Node member receives; both fade; nothing is written', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('laser');
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    const box = (await surface.boundingBox())!;
    await surface.focus();
    await page.keyboard.press('k');
    await page.mouse.move(box.x + 80, box.y + 80);
    await page.mouse.down();
    await page.mouse.move(box.x + 240, box.y + 160, { steps: 10 });
    const laserOf = () => nodeBoard.peers().find((p) => p.laser.length > 0)?.laser;
    await vi.waitFor(() => expect(laserOf()?.slice(-2)).toEqual([240, 160]), { timeout: 10_000 });
    expect(await page.locator('[data-laser="me"] line').count()).toBeGreaterThan(2);
    await page.mouse.up();
    await vi.waitFor(() => expect(laserOf()).toBeUndefined(), { timeout: 5_000 });
    await expect.poll(() => page.locator('[data-laser="me"]').count(), { timeout: 5_000 }).toBe(0);
    expect(nodeBoard.shapes()).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
