// [BOARD-30] In real Chromium, with the mouse: an arrow drawn from one box to another joins them for
// every member, and follows either box whether the page's user or another member moves it.
import { describe, expect, it, vi } from 'vitest';
import { openBoardPage } from './board-page.js';

describe('[BOARD-30] connectors in Chromium', () => {
  it('an arrow dragged from one box to another is attached to both; it follows a box the page drags and one a Node member moves', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('connectors');
    nodeBoard.add({ id: 'plan', kind: 'note', x: 40, y: 60, w: 120, h: 100, text: 'Plan' });
    nodeBoard.add({ id: 'ship', kind: 'rect', x: 320, y: 60, w: 120, h: 100 });
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await expect.poll(() => page.locator('[data-shape-id]').count(), { timeout: 10_000 }).toBe(2);
    const box = (await surface.boundingBox())!;
    await surface.focus();
    await page.keyboard.press('a');
    await page.mouse.move(box.x + 100, box.y + 110); // inside the note
    await page.mouse.down();
    await page.mouse.move(box.x + 380, box.y + 110, { steps: 8 }); // into the box
    await page.mouse.up();

    await vi.waitFor(() => expect(nodeBoard.shapes().find((s) => s.kind === 'arrow')).toMatchObject({ from: 'plan', to: 'ship' }), { timeout: 10_000 });
    const arrow = nodeBoard.shapes().find((s) => s.kind === 'arrow')!;
    const line = page.locator(`[data-shape-id="${arrow.id}"] line`);
    const ends = async (): Promise<number[]> => Promise.all(['x1', 'y1', 'x2', 'y2'].map(async (a) => Number(await line.getAttribute(a))));
    expect(await ends()).toEqual([167, 110, 313, 110]); // edge to edge: the gap (6) and half the outline (1) clear of each
    await expect.poll(() => page.getByRole('listitem', { name: 'Arrow from Sticky note: Plan to Rectangle' }).count()).toBe(1);

    // The page drags the box down with the Select tool: the arrow's end goes with it, on screen and for the Node member.
    await page.keyboard.press('v');
    await page.mouse.move(box.x + 400, box.y + 140);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 340, { steps: 8 });
    await page.mouse.up();
    await vi.waitFor(() => expect(nodeBoard.shape('ship')!.y).toBe(260), { timeout: 10_000 });
    const [x1, y1, x2, y2] = (await ends()) as [number, number, number, number];
    expect(y2).toBeGreaterThan(200); // aimed down toward the box's new place…
    expect(x2).toBeLessThan(380);
    expect(y1).toBeGreaterThan(110); // …from the note's edge
    expect(x1).toBeGreaterThan(160);
    expect(nodeBoard.shape(arrow.id)).toMatchObject({ from: 'plan', to: 'ship', x: x1, y: y1 });

    // The Node member moves the note: the page's arrow leaves from its new place.
    nodeBoard.update('plan', { x: 40, y: 400 });
    await expect.poll(async () => (await ends())[1], { timeout: 10_000 }).toBeGreaterThan(300);
    expect(errors).toEqual([]);
  }, 60_000);
});
