// [REACT-2] [BOARD-4] [BOARD-6] [BOARD-10] [BOARD-11] [BOARD-12] [CHATUI-2] [CHATUI-3] [CHATUI-4] [CHATUI-5]
// Two users in real Chromium: one browser, two contexts (Ada and Bob), each a page bundled by
// esbuild with <KuiperProvider> + <RoomProvider> and <Whiteboard room> beside <Chat room>, on one
// real server over WebSockets.
// What one user does with mouse and keyboard, the other sees on screen.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumExecutable, Cleanup, onCleanup, startKuiper } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { attachCollab } from '../../src/server/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // The page is fulfilled by page.route, so Chromium counts it as a public origin and refuses its
  // WebSocket to 127.0.0.1 (Local Network Access): the client would quietly fall back to polling.
  '--disable-features=LocalNetworkAccessChecks'];
const WAIT = { timeout: 15_000 }; // a loaded 2-core machine: conditions, with room to spare

// One bundle, one browser and one server for the file (each test has its own room); torn down after all.
const suite = new Cleanup();
let script = '';
let browser: Browser;
let origin = '';

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kuiper-components-'));
  suite.add(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'page.js');
  const bundling = promisify(execFile)(join(ROOT, 'node_modules/.bin/esbuild'), [
    fileURLToPath(new URL('./room-browser-entry.tsx', import.meta.url)),
    '--bundle', '--format=esm', '--platform=browser', '--conditions=source', '--jsx=automatic',
    '--define:process.env.NODE_ENV="production"', '--log-level=error', `--outfile=${out}`,
  ], { cwd: ROOT });
  // Who a session is comes from the handshake's ext: the server names chat authors and typers by it.
  const started = await startKuiper({ policy: { canHandshake: (m) => ({ data: { user: m.ext?.['user'] } }) } }, { cleanup: suite });
  const collab = attachCollab(started.server, { store: new MemoryStore() });
  suite.add(() => collab.detach()); // before the server closes (newest first)
  origin = new URL(started.url).origin;
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
  suite.add(() => browser.close());
  await bundling;
  script = await readFile(out, 'utf8');
}, 60_000);
afterAll(() => suite.run());
// Each attempt of a test has rooms of its own: a retry (CI's one) in the first attempt's room would
// find its messages and strokes there, and could only fail again.
let attempt = 0;
beforeEach(() => void attempt++);

/** A user's own browser context (own storage, own connection) showing the room, synced, on WebSockets. */
async function openAs(name: 'Ada' | 'Bob', room: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1000, height: 640 } });
  onCleanup(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  onCleanup(() => expect(errors, `${name}'s page threw`).toEqual([]));
  // The page and its script at the server's origin, so the client reaches /bayeux as same-origin.
  await page.route(`${origin}/room.html*`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><div id="app"></div><script type="module" src="/room.js"></script>' }));
  await page.route(`${origin}/room.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
  await page.goto(`${origin}/room.html?room=${room}-${attempt}&name=${name}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { roomReady?: boolean }).roomReady === true, undefined, WAIT);
  // The real thing, not a fallback: the client's transport is the WebSocket.
  expect(await page.evaluate(() => (window as unknown as { kuiperClient: { transport?: string } }).kuiperClient.transport)).toBe('websocket');
  return page;
}

const board = (page: Page) => page.getByRole('application', { name: 'Whiteboard' });
const shapeIds = (page: Page): Promise<string[]> => page.locator('[data-shape-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-shape-id')!));

/** A wavy pen stroke with the mouse, from (x, y) on the board (the pen is the initial tool). */
async function drawStroke(page: Page, x: number, y: number): Promise<void> {
  const box = (await board(page).boundingBox())!;
  await page.mouse.move(box.x + x, box.y + y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + x + i * 15, box.y + y + Math.sin(i / 2) * 20, { steps: 2 });
  await page.mouse.up();
}

/** Draws a stroke and returns the id of the shape it made on the drawer's own screen. */
async function drawnShape(page: Page, x: number, y: number): Promise<string> {
  const before = await shapeIds(page);
  await drawStroke(page, x, y);
  await expect.poll(() => shapeIds(page), WAIT).toHaveLength(before.length + 1);
  return (await shapeIds(page)).find((id) => !before.includes(id))!;
}

/** Where another member's cursor is drawn on `page`, in board coordinates (read in one go: it may vanish). */
async function cursorAt(page: Page, name: string): Promise<{ x: number; y: number } | null> {
  const transforms = await page.locator('[data-cursor]').evaluateAll((els, who) => els.filter((el) => el.textContent === who).map((el) => el.getAttribute('transform') ?? ''), name);
  const m = transforms.length === 1 ? /translate\(([-\d.e]+) ([-\d.e]+)\)/.exec(transforms[0]!) : null;
  return m ? { x: Math.round(Number(m[1])), y: Math.round(Number(m[2])) } : null;
}

/** The view `page` shows the board at: the surface's transform, `screen = board × zoom + (x, y)`. */
async function viewOf(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const transform = (await board(page).locator(':scope > g').first().getAttribute('transform')) ?? '';
  const m = /translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(transform);
  if (!m) throw new Error(`no view in ${transform}`);
  return { x: Math.round(Number(m[1])), y: Math.round(Number(m[2])), zoom: Math.round(Number(m[3]) * 1000) / 1000 };
}

/**
 * Whether two views show the same: the follower's is made from the followed one's viewport, which
 * presence carries to a tenth of a board unit, so its zoom may differ in the fourth digit and its
 * offset by a fraction of a pixel (invisible; seen once the toolbar's height changed the surface's).
 */
async function sameView(follower: Page, followed: { x: number; y: number; zoom: number }): Promise<boolean> {
  const view = await viewOf(follower);
  return Math.abs(view.x - followed.x) <= 1 && Math.abs(view.y - followed.y) <= 1 && Math.abs(view.zoom - followed.zoom) <= 0.002;
}

describe('<Whiteboard> and <Chat> in two Chromium contexts', () => {
  it('[REACT-2] [BOARD-10] [BOARD-11] a pen stroke Ada draws with the mouse grows on Bob\'s screen while she draws, then is a shape there', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'stroke'), openAs('Bob', 'stroke')]);
    const box = (await board(ada).boundingBox())!;
    await ada.mouse.move(box.x + 80, box.y + 120);
    await ada.mouse.down();
    for (let i = 1; i <= 6; i++) await ada.mouse.move(box.x + 80 + i * 20, box.y + 120 + i * 5, { steps: 2 });
    const live = bob.locator('[data-live-stroke]');
    await expect.poll(() => live.count(), WAIT).toBe(1); // her stroke in progress, before she lifts the button
    expect(await shapeIds(bob)).toEqual([]);
    for (let i = 7; i <= 10; i++) await ada.mouse.move(box.x + 80 + i * 20, box.y + 120 + i * 5, { steps: 2 });
    await ada.mouse.up();

    await expect.poll(() => shapeIds(ada), WAIT).toHaveLength(1);
    const [id] = await shapeIds(ada);
    await expect.poll(() => shapeIds(bob), WAIT).toEqual([id]);
    await expect.poll(() => live.count(), WAIT).toBe(0); // the live stroke gave way to the shape
    expect(await bob.locator(`[data-shape-id="${id}"]`).getAttribute('data-shape-kind')).toBe('pen');
  }, 60_000);

  it('[BOARD-11] [BOARD-4] Bob sees Ada\'s cursor, with her name, follow her mouse over the board, and go when she leaves it', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'cursor'), openAs('Bob', 'cursor')]);
    const box = (await board(ada).boundingBox())!;
    // Both pages show the board at the same place and zoom, so Ada's pointer is where Bob sees her.
    await ada.mouse.move(box.x + 150, box.y + 100, { steps: 4 });
    await expect.poll(() => cursorAt(bob, 'Ada'), WAIT).toEqual({ x: 150, y: 100 });
    await ada.mouse.move(box.x + 420, box.y + 330, { steps: 8 });
    await expect.poll(() => cursorAt(bob, 'Ada'), WAIT).toEqual({ x: 420, y: 330 });
    expect(await cursorAt(ada, 'Ada')).toBeNull(); // her own cursor is the real one, not drawn twice
    await ada.mouse.move(box.x + 700, box.y + 100, { steps: 4 }); // off the board, onto the chat
    await expect.poll(() => cursorAt(bob, 'Ada'), WAIT).toBeNull();
  }, 60_000);

  it('[BOARD-15] Ada follows Bob: her board shows what his does as he zooms and pans, and he is told, until she moves it herself', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'follow'), openAs('Bob', 'follow')]);
    const follow = ada.getByRole('combobox', { name: 'Follow' });
    await expect.poll(() => follow.locator('option').allTextContents(), WAIT).toEqual(['Follow…', 'Bob']);
    await bob.getByRole('button', { name: 'Zoom in' }).click();
    await bob.getByRole('button', { name: 'Zoom in' }).click();
    const box = (await board(bob).boundingBox())!;
    await bob.mouse.move(box.x + 200, box.y + 200);
    await bob.mouse.wheel(180, 90); // a pan
    await expect.poll(() => viewOf(bob), WAIT).not.toEqual({ x: 0, y: 0, zoom: 1 });

    await follow.selectOption({ label: 'Bob' });
    // Same surface size: she sees exactly what he sees, and says whom she follows.
    const his = await viewOf(bob);
    await expect.poll(() => sameView(ada, his), WAIT).toBe(true);
    expect(await ada.getByText('Following Bob').isVisible()).toBe(true);
    await expect.poll(() => bob.getByText('Ada is following you').isVisible(), WAIT).toBe(true); // he is told
    await bob.mouse.wheel(-300, 120);
    await bob.getByRole('button', { name: 'Zoom out' }).click();
    const moved = await viewOf(bob);
    await expect.poll(() => sameView(ada, moved), WAIT).toBe(true);

    // Her own move ends it: the select goes back, and Bob's next moves leave her view alone.
    const adaBox = (await board(ada).boundingBox())!;
    await ada.mouse.move(adaBox.x + 300, adaBox.y + 200);
    await ada.mouse.wheel(0, 200);
    await expect.poll(() => follow.inputValue(), WAIT).toBe('');
    await expect.poll(() => bob.getByText('Ada is following you').count(), WAIT).toBe(0);
    const hers = await viewOf(ada);
    await bob.mouse.move(box.x + 200, box.y + 200); // back over his board from the toolbar
    await bob.mouse.wheel(250, 0);
    await expect.poll(() => viewOf(bob), WAIT).not.toEqual(moved);
    await new Promise((r) => setTimeout(r, 500)); // what a presence update takes here, and then some
    expect(await viewOf(ada)).toEqual(hers);
    expect(await ada.getByText('Following Bob').count()).toBe(0);
  }, 60_000);

  it('[BOARD-15] Ada and Bob follow each other on screens of different sizes: both settle on one view instead of zooming out round after round', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'mutual'), openAs('Bob', 'mutual')]);
    await ada.setViewportSize({ width: 800, height: 500 }); // a smaller board than Bob's
    await expect.poll(() => ada.getByRole('combobox', { name: 'Follow' }).locator('option').count(), WAIT).toBe(2);
    await expect.poll(() => bob.getByRole('combobox', { name: 'Follow' }).locator('option').count(), WAIT).toBe(2);
    await ada.getByRole('combobox', { name: 'Follow' }).selectOption({ label: 'Bob' });
    await bob.getByRole('combobox', { name: 'Follow' }).selectOption({ label: 'Ada' });
    // Settled: the same two views twice, half a second apart (a loaded machine may take a while).
    let last = '';
    await expect.poll(async () => {
      const now = JSON.stringify([await viewOf(ada), await viewOf(bob)]);
      const same = now === last;
      last = now;
      if (!same) await new Promise((r) => setTimeout(r, 500));
      return same;
    }, WAIT).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    const [a1, b1] = JSON.parse(last) as Array<{ zoom: number }>;
    expect(JSON.stringify([await viewOf(ada), await viewOf(bob)])).toBe(last); // and it stays so
    // One of them shows the shared viewport at its own zoom (1, where both started); the other fits
    // it: neither shrank towards the 0.1 floor, as each fitting the other's fit would.
    expect(Math.max(a1!.zoom, b1!.zoom)).toBeGreaterThanOrEqual(1);
    expect(Math.min(a1!.zoom, b1!.zoom)).toBeGreaterThan(0.5);
  }, 60_000);

  it('[BOARD-6] [BOARD-10] Undo in Ada\'s toolbar removes her stroke from both screens and leaves Bob\'s', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'undo'), openAs('Bob', 'undo')]);
    const adas = await drawnShape(ada, 60, 80);
    await expect.poll(() => shapeIds(bob), WAIT).toEqual([adas]);
    const undoButton = (page: Page) => page.getByRole('button', { name: 'Undo' });
    expect(await undoButton(bob).isDisabled()).toBe(true); // Ada's stroke is not Bob's to undo
    const bobs = await drawnShape(bob, 60, 320);
    await expect.poll(async () => (await shapeIds(ada)).sort(), WAIT).toEqual([adas, bobs].sort());

    await undoButton(ada).click();
    await expect.poll(() => shapeIds(ada), WAIT).toEqual([bobs]);
    await expect.poll(() => shapeIds(bob), WAIT).toEqual([bobs]);
    await expect.poll(() => undoButton(ada).isDisabled(), WAIT).toBe(true); // her one step is taken back…
    await expect.poll(() => ada.getByRole('button', { name: 'Redo' }).isEnabled(), WAIT).toBe(true); // …and can be redone
    await expect.poll(() => undoButton(bob).isEnabled(), WAIT).toBe(true); // Bob's own step is still his to undo
  }, 60_000);

  it('[CHATUI-2] [CHATUI-3] [CHATUI-4] [REACT-2] Ada types: Bob sees "Ada is typing…", then her message in his log when she presses Enter', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'chat'), openAs('Bob', 'chat')]);
    const here = bob.getByRole('list', { name: 'Who is here' });
    await expect.poll(async () => (await here.getByRole('listitem').allTextContents()).sort(), WAIT).toEqual(['Ada', 'Bob (you)']);
    const typing = bob.getByText('Ada is typing…', { exact: true });
    expect(await typing.count()).toBe(0);
    await ada.getByRole('textbox', { name: 'Message' }).click();
    await ada.keyboard.type('Hello Bob, look at the board');
    await expect.poll(() => typing.isVisible(), WAIT).toBe(true);

    await ada.keyboard.press('Enter');
    const message = bob.getByRole('log', { name: 'Chat messages' }).getByRole('article').filter({ hasText: 'Hello Bob, look at the board' });
    await expect.poll(() => message.count(), WAIT).toBe(1);
    expect(await message.textContent()).toContain('Ada'); // signed with her name
    expect(await message.getByRole('button', { name: 'Edit' }).count()).toBe(0); // not Bob's to edit…
    const own = ada.getByRole('log', { name: 'Chat messages' }).getByRole('article').filter({ hasText: 'Hello Bob, look at the board' });
    await expect.poll(() => own.getByRole('button', { name: 'Edit' }).count(), WAIT).toBe(1); // …but Ada's
    await expect.poll(() => ada.getByRole('textbox', { name: 'Message' }).inputValue(), WAIT).toBe(''); // sent, not a draft
    await expect.poll(() => typing.count(), WAIT).toBe(0); // she stopped typing
  }, 60_000);

  it('[CHATUI-5] [CHATUI-1] messages that overflow Bob\'s log while he is away stay unread, the log following them down, until he comes to the chat', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'away'), openAs('Bob', 'away')]);
    const box = ada.getByRole('textbox', { name: 'Message' });
    const log = bob.getByRole('log', { name: 'Chat messages' });
    for (let i = 1; i <= 4; i++) { // tall messages: more than the log shows at once
      await box.fill(Array.from({ length: 12 }, (_, line) => `message ${i}, line ${line + 1}`).join('\n'));
      await box.press('Enter');
      await expect.poll(() => log.getByRole('article').count(), WAIT).toBe(i);
      // Each one counted, also after they overflow the log (a wrong mark-read would bring it down to 0 or 1).
      await expect.poll(() => bob.getByRole('region', { name: `Chat, ${i} unread`, exact: true }).count(), WAIT).toBe(1);
    }
    expect(await log.evaluate((el) => el.scrollHeight > 2 * el.clientHeight)).toBe(true);
    await expect.poll(() => log.getByText(/message 4, line 12/).isVisible(), WAIT).toBe(true); // kept at the bottom
    expect(await bob.getByRole('separator', { name: 'New messages' }).count()).toBe(1);

    await log.click(); // he comes to the chat
    await expect.poll(() => bob.getByRole('region', { name: 'Chat', exact: true }).count(), WAIT).toBe(1);
    await expect.poll(() => bob.getByRole('separator', { name: 'New messages' }).count(), WAIT).toBe(0);
  }, 60_000);

  it('[BOARD-10] a text note Ada clicks onto the board with the Text tool and types is on Bob\'s board, and his edit of it on hers', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'note'), openAs('Bob', 'note')]);
    await ada.getByRole('button', { name: 'Text', exact: true }).click();
    const box = (await board(ada).boundingBox())!;
    await ada.mouse.click(box.x + 200, box.y + 200);
    // The note's editor opens and keeps the focus, so typing goes there.
    await expect.poll(() => ada.evaluate(() => document.activeElement?.getAttribute('aria-label')), WAIT).toBe('Text note');
    await ada.keyboard.type('Plan: ship it');
    await ada.getByRole('textbox', { name: 'Message' }).click(); // leaving the note commits it
    const note = bob.locator('[data-shape-kind="text"]');
    await expect.poll(() => note.count(), WAIT).toBe(1);
    expect(await note.textContent()).toBe('Plan: ship it');

    // Bob edits her note: Select, double-click it, type at the end, leave it.
    const at = (await note.boundingBox())!;
    await bob.getByRole('button', { name: 'Select', exact: true }).click();
    await bob.mouse.dblclick(at.x + 5, at.y + at.height / 2);
    await expect.poll(() => bob.evaluate(() => document.activeElement?.getAttribute('aria-label')), WAIT).toBe('Text note');
    await bob.keyboard.press('End');
    await bob.keyboard.type(' (Bob agrees)');
    await bob.getByRole('textbox', { name: 'Message' }).click();
    await expect.poll(() => ada.locator('[data-shape-kind="text"]').textContent(), WAIT).toBe('Plan: ship it (Bob agrees)');
  }, 60_000);

  it('[BOARD-12] Bob exports the board Ada drew on: an SVG with her stroke\'s path and a PNG', async () => {
    const [ada, bob] = await Promise.all([openAs('Ada', 'export'), openAs('Bob', 'export')]);
    const id = await drawnShape(ada, 80, 120);
    await expect.poll(() => shapeIds(bob), WAIT).toEqual([id]);
    const onScreen = await bob.locator(`[data-shape-id="${id}"]`).evaluate((el) => (el.tagName === 'path' ? el : el.querySelector('path'))!.getAttribute('d'));

    const [svgFile] = await Promise.all([bob.waitForEvent('download', WAIT), bob.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(svgFile.suggestedFilename()).toBe('whiteboard.svg');
    const svg = await readFile((await svgFile.path())!, 'utf8');
    expect(svg.startsWith('<svg') || svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain(`data-shape-id="${id}"`);
    expect(svg).toContain(`d="${onScreen}"`); // the same stroke outline the screen shows

    const [pngFile] = await Promise.all([bob.waitForEvent('download', WAIT), bob.getByRole('button', { name: 'Export PNG' }).click()]);
    expect(pngFile.suggestedFilename()).toBe('whiteboard.png');
    const png = await readFile((await pngFile.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // the PNG signature
    // Decoded in the page: an image about twice the board's extent, with the stroke's ink on it.
    const image = await bob.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 128 && data[i]! + data[i + 1]! + data[i + 2]! < 600) ink++;
      return { width: bitmap.width, height: bitmap.height, ink };
    }, png.toString('base64'));
    expect(image.width).toBeGreaterThan(2 * 150); // the stroke spans 150 px across
    expect(image.ink).toBeGreaterThan(500); // a stroke's worth of dark pixels, not a blank frame
  }, 60_000);
});
