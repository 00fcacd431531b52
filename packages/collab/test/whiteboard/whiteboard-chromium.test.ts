// [BOARD-10] In real Chromium: <Whiteboard> bundled by esbuild, talking to a real Kuiper server;
// a pen stroke drawn with the mouse becomes a shape on screen and reaches a Node member of the room.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { pastePicture } from '@kuiper/testkit';
import * as Y from 'yjs';
import { assetIdOf } from '../../src/index.js';
import { shapeSvg, svgMarkup } from '../../src/whiteboard/index.js';
import { openBoardPage, storeOnePixel } from './board-page.js';

/** A comment panel's messages as [author, text] pairs, as they read on screen. */
const messagesOf = (panel: Locator): Promise<string[][]> =>
  panel.getByRole('listitem').evaluateAll((items) => items.map((li) => [li.querySelector('strong')?.textContent ?? '', li.querySelector('p')?.textContent ?? '']));

describe('<Whiteboard> in Chromium', () => {
  it('[BOARD-10] [BOARD-12] a pen stroke drawn with the mouse is a shape on screen, in the room for others, and in the exported SVG and PNG; Undo takes it back', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('chromium');
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    const box = (await surface.boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 60);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 60 + i * 15, box.y + 60 + Math.sin(i / 2) * 30, { steps: 2 });
    await page.mouse.up();

    const shape = page.locator('[data-shape-id]');
    await expect.poll(() => shape.count(), { timeout: 10_000 }).toBe(1);
    expect(await shape.getAttribute('data-shape-kind')).toBe('pen');
    const id = (await shape.getAttribute('data-shape-id'))!;
    await vi.waitFor(() => expect(nodeBoard.shapes().map((s) => [s.id, s.kind])).toEqual([[id, 'pen']]), { timeout: 10_000 });
    expect(nodeBoard.shape(id)!.points.length).toBeGreaterThan(3 * 10); // the samples the mouse made

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(download.suggestedFilename()).toBe('whiteboard.svg');
    const svg = await readFile((await download.path())!, 'utf8');
    expect(svg).toContain(`data-shape-id="${id}"`);

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('whiteboard.png');
    const bytes = await readFile((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // a PNG
    expect(bytes.length).toBeGreaterThan(500); // with something drawn on it

    await page.getByRole('button', { name: 'Undo' }).click();
    await vi.waitFor(() => expect(nodeBoard.shapes()).toEqual([]), { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-11] another member\'s cursor glides to its new position over several frames instead of jumping', async () => {
    const { node, page, errors } = await openBoardPage('glide');
    node.presence.set({ cursor: { x: 10, y: 10 } });
    const cursor = page.locator('[data-cursor]');
    await expect.poll(() => cursor.getAttribute('transform'), { timeout: 10_000 }).toBe('translate(10 10) scale(1)');
    expect(await cursor.textContent()).toBe('Node');
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      new MutationObserver((records) => records.forEach((r) => w.seen.push((r.target as Element).getAttribute('transform') ?? ''))).observe(
        document.querySelector('[data-cursor]')!,
        { attributes: true, attributeFilter: ['transform'] },
      );
    });
    node.presence.set({ cursor: { x: 400, y: 300 } }); // one update, a long way off
    await expect.poll(() => cursor.getAttribute('transform'), { timeout: 10_000 }).toBe('translate(400 300) scale(1)');
    const xs = (await page.evaluate(() => (window as unknown as { seen: string[] }).seen))
      .map((t) => Number(/translate\(([-\d.]+)/.exec(t)?.[1]))
      .filter((x) => x > 10 && x < 400);
    expect(new Set(xs).size).toBeGreaterThanOrEqual(3); // frames in between: it glided
    expect(xs).toEqual([...xs].sort((a, b) => a - b)); // always towards the target
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-10] with the Text tool, a click beside the open note finishes it; the next click starts another', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('notes');
    const box = (await page.getByRole('application', { name: 'Whiteboard' }).boundingBox())!;
    const editor = page.getByRole('textbox', { name: 'Text note' });
    await page.getByRole('button', { name: 'Text' }).click();
    await page.mouse.click(box.x + 100, box.y + 100);
    await page.keyboard.type('first note');
    await page.mouse.click(box.x + 300, box.y + 250); // beside it: done writing
    await vi.waitFor(() => expect(nodeBoard.shapes().map((s) => s.text)).toEqual(['first note']), { timeout: 10_000 });
    expect(await editor.count()).toBe(0); // no second, empty editor opened by that click
    await page.mouse.click(box.x + 300, box.y + 250);
    await expect.poll(() => editor.count(), { timeout: 5_000 }).toBe(1);
    await page.keyboard.type('second');
    await page.keyboard.press('Control+Enter');
    await vi.waitFor(() => expect(nodeBoard.shapes().map((s) => s.text).sort()).toEqual(['first note', 'second']), { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-14] drawing across another member\'s cursor label selects no text, so the next drag is not taken over by the browser\'s drag-and-drop', async () => {
    const { nodeBoard, node, page, errors } = await openBoardPage('no-select');
    node.presence.set({ cursor: { x: 200, y: 100 } });
    const cursor = page.locator('[data-cursor]');
    await expect.poll(() => cursor.getAttribute('transform'), { timeout: 10_000 }).toBe('translate(200 100) scale(1)');
    const box = (await page.getByRole('application', { name: 'Whiteboard' }).boundingBox())!;
    // A pen stroke across the label "Node" (it sits just right of and below the cursor).
    await page.mouse.move(box.x + 120, box.y + 110);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 120 + i * 10, box.y + 110 + Math.sin(i / 3) * 8, { steps: 2 });
    await page.mouse.up();
    expect(await page.evaluate(() => getSelection()?.toString() ?? '')).toBe('');
    await page.getByRole('button', { name: 'Rectangle' }).click();
    await page.mouse.move(box.x + 250, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 300, { steps: 5 });
    await page.mouse.up();
    // The rectangle has the size of the whole drag, on screen and for the other member.
    await vi.waitFor(() => {
      const rect = nodeBoard.shapes().find((s) => s.kind === 'rect');
      expect(rect && [rect.x, rect.y, rect.w, rect.h]).toEqual([250, 200, 150, 100]);
    }, { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-16] on a phone (390 px wide) the toolbar is one row that scrolls sideways, the page does not, and a button past the edge still works', async () => {
    const { page, errors } = await openBoardPage('phone');
    await page.setViewportSize({ width: 390, height: 700 });
    const toolbar = page.getByRole('toolbar', { name: 'Whiteboard tools' });
    // Four rows of buttons (~140 px of a phone's board) before; one row now.
    expect((await toolbar.boundingBox())!.height).toBeLessThan(50);
    expect(await toolbar.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(download.suggestedFilename()).toBe('whiteboard.svg');
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-17] Ctrl+C / Ctrl+V copy shapes (a second paste lands further on), Ctrl+D duplicates, Ctrl+X cuts, pasted text is a note: all in the room, each one undo step', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('clipboard');
    nodeBoard.add({ id: 'card', kind: 'rect', x: 40, y: 40, w: 120, h: 80, color: '#e03131', fill: '#ffc9c9' });
    const shapes = page.locator('[data-shape-id]');
    await expect.poll(() => shapes.count(), { timeout: 10_000 }).toBe(1);
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await surface.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.keyboard.press('Control+v');
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(3), { timeout: 10_000 });
    const copies = nodeBoard.shapes().filter((s) => s.id !== 'card');
    expect(copies.map((s) => [s.kind, s.x, s.y, s.w, s.h, s.color, s.fill])).toEqual([
      ['rect', 56, 56, 120, 80, '#e03131', '#ffc9c9'],
      ['rect', 72, 72, 120, 80, '#e03131', '#ffc9c9'],
    ]);
    expect(await page.locator('[data-selected]').getAttribute('data-selected')).toBe(copies[1]!.id); // the paste is selected

    await page.keyboard.press('Control+d');
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(4), { timeout: 10_000 });
    expect(nodeBoard.shapes().at(-1)).toMatchObject({ x: 88, y: 88 });
    await page.keyboard.press('Control+z'); // the duplicate, at once
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(3), { timeout: 10_000 });

    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+x');
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(0), { timeout: 10_000 });
    await page.keyboard.press('Control+v'); // what was cut comes back, nudged
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(3), { timeout: 10_000 });

    // Text copied from anywhere else becomes a note in the middle of the view.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'Ship it on Friday');
      document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    });
    await vi.waitFor(() => expect(nodeBoard.shapes().at(-1)).toMatchObject({ kind: 'text', text: 'Ship it on Friday' }), { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-18] dragging the selected shape\'s corner handle resizes it for everyone, one undo step; no handle for two shapes or another tool', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('resize');
    nodeBoard.add({ id: 'card', kind: 'rect', x: 40, y: 40, w: 120, h: 80, color: '#1971c2', fill: '#d0ebff' });
    nodeBoard.add({ id: 'other', kind: 'ellipse', x: 300, y: 40, w: 60, h: 60, fill: '#ffec99' });
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await expect.poll(() => page.locator('[data-shape-id]').count(), { timeout: 10_000 }).toBe(2);
    const box = (await surface.boundingBox())!;
    await surface.focus();
    await page.keyboard.press('v');
    await page.mouse.click(box.x + 100, box.y + 80); // inside the rectangle
    const handle = page.locator('[data-resize-handle="card"]');
    await expect.poll(() => handle.count(), { timeout: 5_000 }).toBe(1);
    const h = (await handle.boundingBox())!;
    const from = { x: h.x + h.width / 2, y: h.y + h.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 40, { steps: 6 });
    await page.mouse.up();
    await vi.waitFor(() => {
      const card = nodeBoard.shape('card')!;
      expect([card.x, card.y]).toEqual([40, 40]);
      expect(card.w).toBeCloseTo(180, 5);
      expect(card.h).toBeCloseTo(120, 5);
    }, { timeout: 10_000 });
    await page.keyboard.press('Control+z'); // the whole drag
    await vi.waitFor(() => expect(nodeBoard.shape('card')).toMatchObject({ w: 120, h: 80 }), { timeout: 10_000 });

    await page.keyboard.press('Control+a'); // two selected: moving, not resizing
    expect(await page.locator('[data-resize-handle]').count()).toBe(0);
    await page.keyboard.press('p');
    await page.mouse.click(box.x + 100, box.y + 80);
    expect(await page.locator('[data-resize-handle]').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-41] the round handle turns the selected shape as the pointer goes round it, and the resize handle then sits at the turned corner and resizes along the turned sides; each one undo step', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('rotate');
    nodeBoard.add({ id: 'card', kind: 'rect', x: 100, y: 100, w: 120, h: 60, color: '#1971c2', fill: '#d0ebff' });
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await expect.poll(() => page.locator('[data-shape-id]').count(), { timeout: 10_000 }).toBe(1);
    const box = (await surface.boundingBox())!;
    const centre = { x: box.x + 160, y: box.y + 130 };
    await surface.focus();
    await page.keyboard.press('v');
    await page.mouse.click(centre.x, centre.y);
    const rotate = page.locator('[data-rotate-handle] circle');
    await expect.poll(() => rotate.count(), { timeout: 5_000 }).toBe(1);
    const r = (await rotate.boundingBox())!;
    expect(Math.abs(r.x + r.width / 2 - centre.x)).toBeLessThan(1); // above the middle of its top edge
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
    await page.mouse.down();
    for (let deg = -80; deg <= 0; deg += 10) await page.mouse.move(centre.x + 90 * Math.cos((deg * Math.PI) / 180), centre.y + 90 * Math.sin((deg * Math.PI) / 180));
    await page.mouse.up();
    await vi.waitFor(() => expect(Math.abs((nodeBoard.shape('card')?.rotation ?? 0) - 90)).toBeLessThan(0.5), { timeout: 10_000 });
    expect(nodeBoard.shape('card')).toMatchObject({ x: 100, y: 100, w: 120, h: 60 }); // turned in place

    // The box's bottom-right corner is now at its bottom left on screen: 20 px left and 30 down from
    // there is 30 along its width and 20 along its height.
    const handle = (await page.locator('[data-resize-handle="card"]').boundingBox())!;
    expect(handle.x + handle.width / 2).toBeLessThan(centre.x);
    expect(handle.y + handle.height / 2).toBeGreaterThan(centre.y);
    const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x - 20, from.y + 30, { steps: 5 });
    await page.mouse.up();
    await vi.waitFor(() => {
      const card = nodeBoard.shape('card')!;
      expect(card.w).toBeCloseTo(150, 0);
      expect(card.h).toBeCloseTo(80, 0);
    }, { timeout: 10_000 });
    await page.keyboard.press('Control+z');
    await vi.waitFor(() => expect(nodeBoard.shape('card')).toMatchObject({ x: 100, y: 100, w: 120, h: 60 }), { timeout: 10_000 });
    await page.keyboard.press('Control+z');
    await vi.waitFor(() => expect(nodeBoard.shape('card')).not.toHaveProperty('rotation'), { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-19] a comment pinned with the Comment tool reaches another member; their reply shows in the open thread; Resolve takes the pin away for both', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('comments');
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    const box = (await surface.boundingBox())!;
    await surface.focus();
    await page.keyboard.press('c');
    await page.mouse.click(box.x + 200, box.y + 150);
    const composer = page.getByRole('dialog', { name: 'New comment' }).getByRole('textbox', { name: 'Comment' });
    await composer.fill('Is this the final layout?');
    await composer.press('Enter');
    await vi.waitFor(() => expect(nodeBoard.comments.threads()).toHaveLength(1), { timeout: 10_000 });
    const [thread] = nodeBoard.comments.threads();
    expect(thread).toMatchObject({ x: 200, y: 150, resolved: false, messages: [{ author: { name: 'Chromium' }, text: 'Is this the final layout?' }] });

    // The panel now shows the thread; a reply from the other member appears in it.
    const panel = page.getByRole('dialog', { name: 'Comment thread' });
    nodeBoard.comments.reply(thread!.id, 'Almost: one more pass', { name: 'Node' });
    await expect.poll(() => messagesOf(panel), { timeout: 10_000 }).toEqual([['Chromium', 'Is this the final layout?'], ['Node', 'Almost: one more pass']]);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    // By keyboard: a focused pin opens its thread with Enter.
    await page.locator(`[data-thread-id="${thread!.id}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    // Ctrl+Z is for drawing: the comment stays.
    await surface.focus();
    await page.keyboard.press('Control+z');
    expect(nodeBoard.comments.threads()).toHaveLength(1);

    // Reopened from its pin, whatever the tool, and resolved: the pin goes for everyone.
    await page.keyboard.press('p');
    const pin = page.locator(`[data-thread-id="${thread!.id}"]`);
    expect(await pin.getAttribute('aria-label')).toBe('Comment by Chromium: Is this the final layout?');
    await pin.click();
    await panel.getByRole('button', { name: 'Resolve' }).click();
    await vi.waitFor(() => expect(nodeBoard.comments.thread(thread!.id)!.resolved).toBe(true), { timeout: 10_000 });
    await expect.poll(() => pin.count()).toBe(0);
    expect(await page.locator('[data-shape-id]').count()).toBe(0); // the clicks drew nothing
    // And Enter with the Comment tool starts a thread in the middle of the view, as for shapes.
    await surface.focus();
    await page.keyboard.press('c');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog', { name: 'New comment' }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-21] a member edits and deletes her own reply (not another\'s message), reopens a resolved thread shown by the Comment tool, and deletes a thread she started', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('comment-edits');
    const started = nodeBoard.comments.start({ x: 120, y: 90 }, 'Check the spacing', { name: 'Node' });
    if (!started.ok) throw new Error(started.error.message);
    const threadId = started.value.id;
    const pin = page.locator(`[data-thread-id="${threadId}"]`);
    await pin.click({ timeout: 10_000 });
    const panel = page.getByRole('dialog', { name: 'Comment thread' });
    await panel.getByRole('textbox', { name: 'Reply' }).fill('Fixed in v2');
    await panel.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await vi.waitFor(() => expect(nodeBoard.comments.thread(threadId)!.messages).toHaveLength(2), { timeout: 10_000 });
    // Only her own message has Edit and Delete.
    expect(await panel.getByRole('button', { name: /^Edit message/ }).count()).toBe(1);
    await panel.getByRole('button', { name: 'Edit message: Fixed in v2' }).click();
    const editor = panel.getByRole('textbox', { name: 'Edit message' });
    expect(await editor.inputValue()).toBe('Fixed in v2');
    await editor.fill('Fixed in v3');
    await editor.press('Enter');
    await vi.waitFor(() => expect(nodeBoard.comments.thread(threadId)!.messages[1]).toMatchObject({ text: 'Fixed in v3', editedAt: expect.any(Number) }), { timeout: 10_000 });
    await expect.poll(() => messagesOf(panel)).toEqual([['Node', 'Check the spacing'], ['Chromium', 'Fixed in v3']]);
    expect(await panel.getByText('(edited)').count()).toBe(1);
    // Escape in the editor cancels the edit and keeps the panel.
    await panel.getByRole('button', { name: 'Edit message: Fixed in v3' }).click();
    await panel.getByRole('textbox', { name: 'Edit message' }).fill('never saved');
    await page.keyboard.press('Escape');
    expect(await panel.count()).toBe(1);
    expect(await panel.getByRole('textbox', { name: 'Edit message' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Delete message: Fixed in v3' }).click();
    await vi.waitFor(() => expect(nodeBoard.comments.thread(threadId)!.messages.map((m) => m.text)).toEqual(['Check the spacing']), { timeout: 10_000 });
    // She did not start it: no Delete thread.
    expect(await panel.getByRole('button', { name: 'Delete thread' }).count()).toBe(0);
    await page.keyboard.press('Escape');

    // Resolved elsewhere: the pin goes, and comes back greyed with the Comment tool, to reopen.
    nodeBoard.comments.resolve(threadId);
    await expect.poll(() => pin.count(), { timeout: 10_000 }).toBe(0);
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await surface.focus();
    await page.keyboard.press('c');
    await expect.poll(() => pin.getAttribute('aria-label')).toBe('Resolved comment by Node: Check the spacing');
    await pin.click();
    await page.getByRole('dialog', { name: 'Resolved comment thread' }).getByRole('button', { name: 'Reopen' }).click();
    await vi.waitFor(() => expect(nodeBoard.comments.thread(threadId)!.resolved).toBe(false), { timeout: 10_000 });
    await page.keyboard.press('Escape');

    // A thread she started: Delete thread asks once more, then it goes for everyone.
    const box = (await surface.boundingBox())!;
    await page.mouse.click(box.x + 300, box.y + 200);
    const composer = page.getByRole('dialog', { name: 'New comment' }).getByRole('textbox', { name: 'Comment' });
    await composer.fill('Scratch this');
    await composer.press('Enter');
    await vi.waitFor(() => expect(nodeBoard.comments.threads()).toHaveLength(2), { timeout: 10_000 });
    await panel.getByRole('button', { name: 'Delete thread' }).click();
    await panel.getByRole('group', { name: 'Delete the whole thread?' }).getByRole('button', { name: 'Delete thread' }).click();
    await vi.waitFor(() => expect(nodeBoard.comments.threads().map((t) => t.id)).toEqual([threadId]), { timeout: 10_000 });
    await expect.poll(() => panel.count()).toBe(0);

    // A pin by the board's right edge opens its panel to the left, inside the board.
    const edge = nodeBoard.comments.start({ x: box.width - 20, y: 100 }, 'At the edge', { name: 'Node' });
    if (!edge.ok) throw new Error(edge.error.message);
    await page.getByRole('button', { name: 'Reset view' }).click(); // board units are screen pixels again
    await page.locator(`[data-thread-id="${edge.value.id}"]`).click({ timeout: 10_000 });
    await expect.poll(() => panel.count()).toBe(1);
    // Where it sits in the board (not the page: a click scrolls what it clicks into view).
    const shown = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('[role="dialog"][aria-label="Comment thread"]')!;
      return { left: el.offsetLeft, right: el.offsetLeft + el.offsetWidth, stage: el.parentElement!.clientWidth };
    });
    expect(shown.left).toBeGreaterThanOrEqual(0);
    expect(shown.right).toBeLessThanOrEqual(shown.stage);
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-22] a picture pasted, dropped or picked with the Image button becomes an image shape the other member has, picture and all; a large one is made to fit; a non-picture is refused with a reason', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('images');
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await surface.focus();
    // A 64×48 PNG made by the page, pasted as a screenshot would be (a file on the clipboard).
    await pastePicture(page, { width: 64, height: 48 });
    await vi.waitFor(() => expect(nodeBoard.shapes().map((s) => s.kind)).toEqual(['image']), { timeout: 10_000 });
    const pasted = nodeBoard.shapes()[0]!;
    expect(pasted).toMatchObject({ w: 64, h: 48 });
    expect(pasted.src).toMatch(/^data:image\/png;base64,/); // small enough: kept as it was
    const onScreen = page.locator(`image[data-shape-id="${pasted.id}"]`);
    await expect.poll(() => onScreen.getAttribute('href')).toBe(pasted.src);
    // It rendered: the browser decoded the very picture from the shape.
    expect(await page.evaluate((src) => new Promise((resolve) => { const img = new Image(); img.onload = () => resolve([img.naturalWidth, img.naturalHeight]); img.src = src; }), pasted.src!)).toEqual([64, 48]);

    // Dropped where it falls: a 3000×2000 photo of noise (too large to keep) is re-encoded to fit the document.
    const box = (await surface.boundingBox())!;
    await page.evaluate(async ({ x, y }) => {
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [3000, 2000];
      const g = canvas.getContext('2d')!;
      const pixels = g.createImageData(3000, 2000);
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = (i * 2654435761) >>> 24; // noise: compresses badly
      g.putImageData(pixels, 0, 0);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], 'photo.png', { type: 'image/png' }));
      const target = document.querySelector('[aria-label="Whiteboard"]')!;
      for (const type of ['dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    }, { x: box.x + 300, y: box.y + 200 });
    // ~1.4 MB of picture: the member sends it in chunks, over whichever transport it is on (CLI-40).
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(2), { timeout: 20_000 });
    const dropped = nodeBoard.shapes()[1]!;
    expect(dropped.src!.length).toBeLessThanOrEqual(2_000_000);
    expect(dropped.src).toMatch(/^data:image\/webp;base64,/);
    expect(dropped.w / dropped.h).toBeCloseTo(1.5, 1);
    expect(dropped.x + dropped.w / 2).toBeCloseTo(300, 0); // centred where it was dropped
    expect(dropped.y + dropped.h / 2).toBeCloseTo(200, 0);

    // The Image button's file picker; a text file is refused with a reason, and nothing is added.
    await page.getByLabel('Image file').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { boardErrors: string[] }).boardErrors)).toEqual(['Only pictures can go on the board']);
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64'); // a 1×1 GIF
    await page.getByLabel('Image file').setInputFiles([{ name: 'dot.gif', mimeType: 'image/gif', buffer: gif }]);
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(3), { timeout: 10_000 });
    expect(nodeBoard.shapes()[2]!.src).toBe(`data:image/gif;base64,${gif.toString('base64')}`);
    // The pictures are in the exports: the SVG carries them, and the PNG is drawn with them.
    const [svgFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(await readFile((await svgFile.path())!, 'utf8')).toContain(`href="${pasted.src}"`);
    const [pngFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    expect((await readFile((await pngFile.path())!)).length).toBeGreaterThan(10_000); // the noise photo, not a blank canvas
    // One undo step each: Ctrl+Z takes the last one back.
    await surface.focus();
    await page.keyboard.press('Control+z');
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(2), { timeout: 10_000 });
    // Two pictures at once land side by side, not on top of each other.
    await page.getByLabel('Image file').setInputFiles([{ name: 'a.gif', mimeType: 'image/gif', buffer: gif }, { name: 'b.gif', mimeType: 'image/gif', buffer: gif }]);
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(4), { timeout: 10_000 });
    const [first, second] = nodeBoard.shapes().slice(2);
    expect(second!.x).toBeGreaterThan(first!.x + first!.w);
    expect(second!.y).toBe(first!.y);
    expect(errors).toEqual([]);
  }, 90_000);

  it('[BOARD-24] [BOARD-25] [COLLAB-47] with the room\'s assets, a picture is uploaded once and the document holds its reference and a thumbnail: the other member has it, the browser draws it from the server, the export carries it; with no server to take it, it stays inline until the server is back', async () => {
    const { node, nodeBoard, page, errors, server } = await openBoardPage('assets', '&assets=%2Fkuiper-assets');
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await surface.focus();
    const docBytes = (): number => Y.encodeStateAsUpdate(node.doc).byteLength;
    const before = docBytes();
    // A 3000×2000 photo of noise, pasted: re-encoded to fit as before (BOARD-22), then uploaded.
    const paste = (): Promise<number> => pastePicture(page, { width: 3000, height: 2000, noise: true });
    await paste();
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(1), { timeout: 20_000 });
    const shape = nodeBoard.shapes()[0]!;
    const id = assetIdOf(shape.src!)!;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    // [BOARD-25] With a thumbnail: the same picture, at most 128 px on its longest side, inline.
    const thumb = shape.thumb!;
    expect(thumb).toMatch(/^data:image\/(webp|jpeg);base64,/);
    expect(thumb.length).toBeLessThanOrEqual(8000);
    const [tw, th] = await page.evaluate((src) => new Promise<number[]>((resolve) => { const img = new Image(); img.onload = () => resolve([img.naturalWidth, img.naturalHeight]); img.src = src; }), thumb);
    expect(Math.max(tw!, th!)).toBeLessThanOrEqual(128);
    expect(tw! / th!).toBeCloseTo(1.5, 1);
    // The document grew by the shape and its thumbnail, not the picture; the picture is stored once, under its hash.
    expect(docBytes() - before).toBeLessThan(1000 + thumb.length);
    const stored = (await server.store.getAsset!('assets', id))!;
    expect(stored.byteLength).toBeGreaterThan(500_000);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(id);
    // On screen the picture comes from the server, and the browser decodes it at the size that was stored.
    const onScreen = page.locator(`image[data-shape-id="${shape.id}"]`);
    const href = `/kuiper-assets/assets/${id}`; // under the page's own origin, as `assetsUrl` said
    await expect.poll(() => onScreen.getAttribute('href')).toBe(href);
    const size = await page.evaluate((src) => new Promise((resolve) => { const img = new Image(); img.onload = () => resolve(img.naturalWidth / img.naturalHeight); img.src = src; }), href);
    expect(size).toBeCloseTo(1.5, 1);
    // The exported SVG stands alone: the picture is inline, not a link to the server.
    const [svgFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    const svg = await readFile((await svgFile.path())!, 'utf8');
    expect(svg).toContain(`href="data:image/webp;base64,`);
    expect(svg).not.toContain('kuiper-assets');

    // No server to take it (offline, say): the picture stays inline and the board works as before.
    await page.route('**/kuiper-assets/assets', (route) => route.abort('internetdisconnected'));
    await surface.focus();
    await paste();
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(2), { timeout: 20_000 });
    const inline = nodeBoard.shapes()[1]!;
    expect(inline.src).toMatch(/^data:image\/webp;base64,/);
    // The server back: the page offers it again by itself, and the shape then refers to the asset.
    await page.unroute('**/kuiper-assets/assets');
    await vi.waitFor(() => expect(nodeBoard.shape(inline.id)?.src).toMatch(/^asset:[0-9a-f]{64}$/), { timeout: 15_000 });
    expect(await server.store.getAsset!('assets', assetIdOf(nodeBoard.shape(inline.id)!.src!)!)).toBeDefined();
    // That move is no one's undo step: Ctrl+Z takes the paste back, not the inline copy.
    await surface.focus();
    await page.keyboard.press('Control+z');
    await vi.waitFor(() => expect(nodeBoard.shapes().map((s) => s.id)).toEqual([shape.id]), { timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { boardErrors: string[] }).boardErrors)).toEqual([]);
  }, 90_000);

  it('[BOARD-25] while an asset picture downloads, and when it cannot be fetched, the board shows its thumbnail; once it has loaded, the picture alone', async () => {
    const { nodeBoard, page, errors, server } = await openBoardPage('thumbs', '&assets=%2Fkuiper-assets');
    // Used as the thumbnail too.
    const { png, id } = await storeOnePixel(server, 'thumbs');
    // The pictures' downloads are held until the test lets them go, as on a slow network.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/kuiper-assets/thumbs/*', async (route) => {
      await held;
      await route.continue();
    });
    const thumb = `data:image/png;base64,${png}`;
    const add = (x: number, src: string): string => {
      const added = nodeBoard.add({ kind: 'image', x, y: 20, w: 120, h: 80, src, thumb });
      if (!added.ok) throw new Error(added.error.message);
      return added.value.id;
    };
    const slow = add(20, `asset:${id}`);
    const missing = add(200, `asset:${'0'.repeat(64)}`); // no such asset: the server answers 404
    const thumbOf = (shape: string): Locator => page.locator(`image[data-thumb-of="${shape}"]`);
    await expect.poll(() => thumbOf(slow).getAttribute('href'), { timeout: 10_000 }).toBe(thumb);
    expect(await thumbOf(slow).isVisible()).toBe(true);
    expect(await thumbOf(missing).count()).toBe(1);
    expect(await page.locator(`image[data-shape-id="${slow}"]`).getAttribute('href')).toBe(`/kuiper-assets/thumbs/${id}`);
    release();
    // Loaded: the thumbnail goes (a transparent picture shows nothing beneath it); the missing one keeps it.
    await expect.poll(() => thumbOf(slow).count(), { timeout: 10_000 }).toBe(0);
    expect(await thumbOf(missing).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-29] a picture put on the board before thumbnails, without one, is given one by a page that draws it: in the room for everyone (a preview), not an undo step; a picture that cannot be fetched is left alone', async () => {
    const { nodeBoard, page, errors, server } = await openBoardPage('backfill', '&assets=%2Fkuiper-assets');
    const { png, id } = await storeOnePixel(server, 'backfill');
    const add = (x: number, src: string): string => {
      const added = nodeBoard.add({ kind: 'image', x, y: 20, w: 120, h: 80, src }); // as a page before BOARD-25 added it
      if (!added.ok) throw new Error(added.error.message);
      return added.value.id;
    };
    const old = add(20, `asset:${id}`);
    const missing = add(200, `asset:${'0'.repeat(64)}`); // no such asset: the server answers 404
    await vi.waitFor(() => expect(nodeBoard.shape(old)?.thumb).toMatch(/^data:image\/(webp|jpeg|png);base64,/), { timeout: 15_000 });
    expect(svgMarkup(shapeSvg(nodeBoard.shape(old)!))).toContain(nodeBoard.shape(old)!.thumb!); // what a server's preview draws now
    expect(nodeBoard.shape(missing)?.thumb).toBeUndefined();
    expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true); // nothing the page's user did
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-26] [BOARD-22] a picture pasted with the pointer over the board lands under it, and on its way shows at once: "Adding 1 picture…", then its thumbnail faded where it will land while it uploads; gone once the shape is there', async () => {
    const { nodeBoard, page, errors } = await openBoardPage('pending', '&assets=%2Fkuiper-assets');
    // The upload is held until the test lets it go, as on a slow uplink.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/kuiper-assets/pending', async (route) => {
      await held;
      await route.continue();
    });
    const surface = page.getByRole('application', { name: 'Whiteboard' });
    await surface.focus();
    // [BOARD-22] With the pointer over the board, the paste lands under it (300, 200 in board units at zoom 1).
    const box = (await surface.boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 200);
    await pastePicture(page, { width: 800, height: 400, color: '#e8590c' });
    await expect.poll(() => page.getByText('Adding 1 picture…').isVisible(), { timeout: 10_000 }).toBe(true);
    const ghost = page.locator('[data-pending-picture] image');
    await expect.poll(() => ghost.getAttribute('href'), { timeout: 10_000 }).toMatch(/^data:image\/(webp|jpeg);base64,/);
    const [gw, gh] = [Number(await ghost.getAttribute('width')), Number(await ghost.getAttribute('height'))];
    expect(gw / gh).toBeCloseTo(2, 1);
    expect(nodeBoard.shapes()).toHaveLength(0); // nothing in the document yet: only this page shows it
    release();
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(1), { timeout: 15_000 });
    const shape = nodeBoard.shapes()[0]!;
    expect([shape.w, shape.h]).toEqual([gw, gh]); // it landed where the outline was
    expect([shape.x + shape.w! / 2, shape.y + shape.h! / 2]).toEqual([300, 200]);
    await expect.poll(() => page.locator('[data-pending-picture]').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByText('Adding 1 picture…').count()).toBe(0);
    // [BOARD-22] Pasted with the pointer near the view's bottom-right corner, it is moved just enough to be wholly in view.
    await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10);
    await pastePicture(page, { width: 800, height: 400, color: '#1971c2' });
    await vi.waitFor(() => expect(nodeBoard.shapes()).toHaveLength(2), { timeout: 15_000 });
    const corner = nodeBoard.shapes().find((s) => s.id !== shape.id)!;
    expect(corner.x + corner.w!).toBeCloseTo(box.width - 8, 0);
    expect(corner.y + corner.h!).toBeCloseTo(box.height - 8, 0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('[BOARD-27] a picture copied from one room\'s board and pasted into another\'s is brought along: that room stores the same asset and its board draws it', async () => {
    const { nodeBoard, page, errors, server, openPage } = await openBoardPage('copy-from', '&assets=%2Fkuiper-assets');
    const { png, id } = await storeOnePixel(server, 'copy-from');
    nodeBoard.add({ kind: 'image', x: 40, y: 40, w: 90, h: 60, src: `asset:${id}`, thumb: `data:image/png;base64,${png}` });
    await expect.poll(() => page.locator('image[data-shape-kind="image"]').count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('application', { name: 'Whiteboard' }).focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');

    const other = await openPage('copy-to', '&assets=%2Fkuiper-assets');
    expect(await server.store.getAsset!('copy-to', id)).toBeUndefined();
    await other.getByRole('application', { name: 'Whiteboard' }).focus();
    await other.keyboard.press('Control+v');
    const pasted = other.locator('image[data-shape-kind="image"]');
    await expect.poll(() => pasted.getAttribute('href'), { timeout: 10_000 }).toBe(`/kuiper-assets/copy-to/${id}`);
    // Stored in the room it was pasted in before the shape came, so the page draws it from there.
    expect(await server.store.getAsset!('copy-to', id)).toEqual(new Uint8Array(Buffer.from(png, 'base64')));
    await expect.poll(() => other.locator(`image[data-thumb-of]`).count(), { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
