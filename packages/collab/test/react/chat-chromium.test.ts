// [CHATUI-1] [CHATUI-2] [CHATUI-6] <Chat> in real Chromium (bundled by esbuild, a real server): loading older
// history on scroll up keeps the message the reader looked at where it was, the keyboard alone
// reaches the text box and sends with Enter, and each of the client's six transports carries it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { ALL_TRANSPORTS } from '@kuiper/client';
import { chromiumExecutable, onCleanup, pastePicture } from '@kuiper/testkit';
import { assetIdOf, pictureType } from '../../src/index.js';
import { member, startCollab } from '../integration/helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // The page is fulfilled by page.route, so Chromium counts it as a public origin and refuses its
  // WebSocket to 127.0.0.1 (Local Network Access); the test server is local by design.
  '--disable-features=LocalNetworkAccessChecks'];

async function bundle(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kuiper-chat-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'page.js');
  const args = [fileURLToPath(new URL(entry, import.meta.url)), '--bundle', '--format=esm', '--platform=browser', '--conditions=source'];
  args.push('--jsx=automatic', '--define:process.env.NODE_ENV="production"', '--log-level=error', `--outfile=${out}`);
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/esbuild'), args, { cwd: ROOT });
  return readFile(out, 'utf8');
}

const errors: string[] = [];

/** Chromium showing the bundled <Chat> in `room`, served at the server's origin (same-origin /bayeux). */
async function launch(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
  onCleanup(() => browser.close());
  onCleanup(() => expect(errors.splice(0)).toEqual([])); // no page threw
  return browser;
}

async function openChat(browser: Browser, url: string, script: string, room: string, transport?: string, query = ''): Promise<Page> {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  await page.route(`${origin}/chat.html*`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><div id="app"></div><script type="module" src="/chat.js"></script>' }));
  await page.route(`${origin}/chat.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
  page.on('pageerror', (e) => errors.push(e.message));
  // Not the load event: callback polling's held <script> request would keep it from firing.
  await page.goto(`${origin}/chat.html?room=${room}${transport ? `&transport=${transport}` : ''}${query}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { chatReady?: boolean }).chatReady === true, undefined, { timeout: 15_000 });
  return page;
}

describe('<Chat> in Chromium', () => {
  it('[CHATUI-1] [CHATUI-2] [CHATUI-6] older messages load above without moving the one being read; Tab, type, Enter sends; Send looks disabled while the box is empty', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const node = member(server.url, 'scroll').room;
    await node.synced;
    for (let i = 1; i <= 80; i++) await node.chat.send(`message number ${i}`);

    const page = await openChat(await launch(), server.url, script, 'scroll');
    const log = page.getByRole('log', { name: 'Chat messages' });
    const articles = log.getByRole('article');
    await expect.poll(() => articles.count(), { timeout: 10_000 }).toBe(50);
    await expect.poll(() => log.getByText('message number 80', { exact: true }).isVisible()).toBe(true); // opened at the bottom

    // Scroll up to the oldest loaded message (31), a little below the top edge that loads more.
    const anchor = log.getByText('message number 31', { exact: true });
    await log.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => articles.count(), { timeout: 10_000 }).toBe(80);
    const logBox = (await log.boundingBox())!;
    const anchorBox = (await anchor.boundingBox())!;
    // The 30 older messages went above it: it is still at the top of the view (below where the
    // button and the day's label were), not pushed 30 rows (some 1,300 px) down.
    expect(anchorBox.y - logBox.y).toBeLessThan(120);
    expect(await log.evaluate((el) => el.scrollTop)).toBeGreaterThan(200);
    await log.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => log.getByText('message number 1', { exact: true }).isVisible()).toBe(true);

    // Keyboard only: Tab moves from the log to the text box (past the newest message's React only, CHATUI-13); Enter sends.
    await log.focus();
    let steps = 0;
    while (steps++ < 10 && !(await page.getByRole('textbox', { name: 'Message' }).evaluate((el) => el === document.activeElement))) await page.keyboard.press('Tab');
    const send = page.getByRole('button', { name: 'Send' });
    const looks = () => send.evaluate((el) => ({ disabled: (el as HTMLButtonElement).disabled, opacity: getComputedStyle(el).opacity }));
    expect(await looks()).toEqual({ disabled: true, opacity: '0.5' }); // nothing to send, and it shows
    await page.keyboard.type('typed in Chromium');
    expect(await looks()).toEqual({ disabled: false, opacity: '1' });
    await page.keyboard.press('Enter');
    await vi.waitFor(() => expect(node.chat.messages().map((m) => m.text)).toContain('typed in Chromium'), { timeout: 10_000 });

  });

  it('[CHATUI-17] up in the history, messages that arrive leave the view where it is and show a "2 new messages" button that takes the reader to them', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const node = member(server.url, 'arrivals').room;
    await node.synced;
    for (let i = 1; i <= 40; i++) await node.chat.send(`earlier message ${i}`);
    const page = await openChat(await launch(), server.url, script, 'arrivals');
    const log = page.getByRole('log', { name: 'Chat messages' });
    await expect.poll(() => log.getByText('earlier message 40', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
    const pill = page.getByRole('button', { name: /new messages?$/ });
    // Counted, not read: reading an element not there yet waits for it and holds up the poll.
    const pillSays = (text: string) => page.getByRole('button', { name: text }).count();
    await node.chat.send('seen at once'); // at the end: followed, no button
    await expect.poll(() => log.getByText('seen at once', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await pill.count()).toBe(0);

    await log.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => log.getByText('earlier message 1', { exact: true }).isVisible()).toBe(true);
    await node.chat.send('while you read');
    await node.chat.send('and another');
    await expect.poll(() => pillSays('↓ 2 new messages'), { timeout: 10_000 }).toBe(1);
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0); // the reader's place is kept
    await pill.click();
    await expect.poll(() => log.getByText('and another', { exact: true }).isVisible()).toBe(true);
    expect(await pill.count()).toBe(0);
    expect(await log.evaluate((el) => el === document.activeElement)).toBe(true);

    // Scrolling down by hand does the same.
    await log.evaluate((el) => (el.scrollTop = 0));
    await node.chat.send('one more');
    await expect.poll(() => pillSays('↓ 1 new message'), { timeout: 10_000 }).toBe(1);
    await log.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => pill.count()).toBe(0);
    await expect.poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40)).toBe(true);

    // The reader scrolls up in the very task that brings a message: React renders it before the
    // browser's next frame reports the scroll. The log must not pull them back down (this raced).
    await page.evaluate(() => {
      const el = document.querySelector('[role="log"]')!;
      const client = (window as unknown as { chatClient: { subscribe(channel: string, fn: () => void): { unsubscribe(): void } } }).chatClient;
      const once = client.subscribe('/rooms/arrivals/chat', () => {
        el.scrollTop = 0;
        once.unsubscribe();
      });
    });
    await node.chat.send('in the same frame');
    await expect.poll(() => pillSays('↓ 1 new message'), { timeout: 10_000 }).toBe(1);
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
  });

  it('[CHATUI-3] Edit and Delete sit at the same place on a short message and on one that wraps: the first line\'s right end', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const page = await openChat(await launch(), server.url, script, 'actions');
    const log = page.getByRole('log', { name: 'Chat messages' });
    const box = page.getByRole('textbox', { name: 'Message' });
    for (const text of ['short', `a long one ${'that wraps over several lines '.repeat(12)}`]) {
      await box.fill(text);
      await box.press('Enter');
    }
    const edits = log.getByRole('button', { name: /^Edit message: / });
    await expect.poll(() => edits.count(), { timeout: 10_000 }).toBe(2);
    const place = async (i: number) => {
      const article = (await log.getByRole('article').nth(i).boundingBox())!;
      const edit = (await edits.nth(i).boundingBox())!;
      const del = (await log.getByRole('button', { name: /^Delete message: / }).nth(i).boundingBox())!;
      return { top: Math.round(edit.y - article.y), right: Math.round(article.x + article.width - (del.x + del.width)), height: article.height };
    };
    const [short, long] = [await place(0), await place(1)];
    expect(long.height).toBeGreaterThan(short.height + 30); // it did wrap, over more lines
    expect(long.top).toBe(short.top); // they used to follow the text: inline, or wrapped under it
    expect(long.right).toBe(short.right);
    expect(short.top).toBeLessThan(12); // on the first line
    expect(short.right).toBeLessThan(12); // at its right end
    // [CHATUI-12] As narrow as the demo's chat (415 px with who is here), and with an author's name as long as a client id: React, Reply, Edit and Delete still share the author's line.
    await page.evaluate(() => void ((document.querySelector('.kuiper-chat') as HTMLElement).style.width = '415px'));
    const first = log.getByRole('article').first();
    const tops = await Promise.all([first.locator('.kuiper-chat-author'), ...['React', 'Reply', 'Edit', 'Delete'].map((verb) => first.getByRole('button', { name: new RegExp(`^${verb} (to )?message: short$`) }))].map(async (el) => Math.round((await el.boundingBox())!.y)));
    expect(Math.max(...tops) - Math.min(...tops), JSON.stringify([tops, await first.locator('.kuiper-chat-author').textContent(), await first.evaluate((el) => el.getBoundingClientRect().width)])).toBeLessThan(8);
  });

  it('[CHATUI-13] [CHATUI-12] the keyboard: Tab enters the newest message\'s controls only, Up and Down go from message to message, Enter reacts', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const node = member(server.url, 'keys').room;
    await node.synced;
    for (const text of ['first', 'second', 'third']) await node.chat.send(text);
    await node.chat.delete(3); // the newest has no controls: Tab enters the newest that has
    await node.chat.send('fourth');
    const page = await openChat(await launch(), server.url, script, 'keys');
    const log = page.getByRole('log', { name: 'Chat messages' });
    await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBe(4);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
    await log.focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('React to message: fourth');
    await page.keyboard.press('ArrowUp'); // past the deleted third, which has nothing to press
    expect(await focused()).toBe('React to message: second');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('React to message: first');
    await page.keyboard.press('ArrowUp'); // the top: it stays
    expect(await focused()).toBe('React to message: first');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('React to message: second');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('React with 👍');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('React to message: second');
    await vi.waitFor(() => expect(node.chat.messages()[1]?.reactions?.map((r) => r.emoji)).toEqual(['👍']), { timeout: 10_000 });
    await expect.poll(() => log.getByRole('button', { name: /^👍 1: You/ }).count(), { timeout: 10_000 }).toBe(1);
    // Second is now the message in the Tab order: React, Reply, its reaction, then out of the log to the box.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Reply to message: second');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^👍 1: You/);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Message');
  });

  it('[CHATUI-6] every transport the client speaks carries the chat both ways in Chromium', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const node = member(server.url, 'wire').room;
    await node.synced;
    const browser = await launch();
    for (const transport of ALL_TRANSPORTS) {
      const page = await openChat(browser, server.url, script, 'wire', transport);
      expect(await page.evaluate(() => (window as unknown as { chatClient: { transport?: string } }).chatClient.transport)).toBe(transport);
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill(`from Chromium over ${transport}`);
      await box.press('Enter');
      await vi.waitFor(() => expect(node.chat.messages().map((m) => m.text)).toContain(`from Chromium over ${transport}`), { timeout: 10_000 });
      await node.chat.send(`to Chromium over ${transport}`);
      await expect.poll(() => page.getByRole('log', { name: 'Chat messages' }).getByText(`to Chromium over ${transport}`).isVisible(), { timeout: 10_000 }).toBe(true);
      await page.close();
    }
  }, 120_000); // six pages, one after the other

  it('[CHATUI-10] [CHAT-14] a picture pasted into the message box is uploaded, shown above it, and sent with the text; the other member has it and the page draws it from the server; a file that is no picture is refused', async () => {
    const { server, node, page, box } = await pictureChat('pictures');
    await box.click();
    await pastePicture(page, { width: 120, height: 80, color: '#2f9e44' }); // as a screenshot from the clipboard
    const waiting = page.getByRole('list', { name: 'Pictures to send' }).getByRole('img', { name: 'Picture 1' });
    await expect.poll(() => waiting.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(120);
    await box.fill('the layout');
    await box.press('Enter');

    await vi.waitFor(() => expect(node.chat.messages().map((m) => [m.text, m.images?.length])).toEqual([['the layout', 1]]), { timeout: 10_000 });
    expect(await page.getByRole('list', { name: 'Pictures to send' }).count()).toBe(0); // sent with it
    const sent = page.getByRole('log', { name: 'Chat messages' }).getByRole('img', { name: /^Picture 1 from / });
    await expect.poll(() => sent.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight]), { timeout: 10_000 }).toEqual([true, 120, 80]);
    expect(await sent.getAttribute('src')).toBe(`/kuiper-assets/pictures/${node.chat.messages()[0]!.images![0]!.slice('asset:'.length)}`);

    // The Picture button's picker takes a GIF; a text file is refused with a reason.
    await page.getByLabel('Picture file').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Only pictures can be sent');
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
    await page.getByLabel('Picture file').setInputFiles([{ name: 'dot.gif', mimeType: 'image/gif', buffer: gif }]);
    await expect.poll(() => page.getByRole('list', { name: 'Pictures to send' }).getByRole('img').count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: 'Send' }).click(); // no text: the picture alone
    await vi.waitFor(() => expect(node.chat.messages().map((m) => [m.text, m.images?.length])).toEqual([['the layout', 1], ['', 1]]), { timeout: 10_000 });
  }, 60_000);

  it('[CHATUI-11] a picture too large for the server is made to fit before it goes: a photo of over 8 MiB is sent within 1.5 MiB, a 4000 px screenshot at 2560 px; a BMP goes as WebP', async () => {
    const { server, node, page, box } = await pictureChat('photos');
    const waiting = page.getByRole('list', { name: 'Pictures to send' });
    const sizeOf = (n: number): Promise<unknown> => waiting.getByRole('img', { name: `Picture ${n}` }).evaluate((img: HTMLImageElement) => img.complete && [img.naturalWidth, img.naturalHeight]);
    await box.click();
    // A 3000×2000 photo (noise, which compresses worst) over the server's 8 MiB: as it was, refused (413).
    expect(await pastePicture(page, { width: 3000, height: 2000, noise: true })).toBeGreaterThan(8 * 1024 * 1024);
    await expect.poll(() => sizeOf(1), { timeout: 30_000 }).toBeTruthy();
    const [w, h] = (await sizeOf(1)) as number[];
    expect(Math.max(w!, h!)).toBeLessThanOrEqual(2560);
    expect(w! / h!).toBeCloseTo(1.5, 1);
    // A screenshot of a large screen, 4000×2500: it goes 2560 px wide.
    await box.click();
    await pastePicture(page, { width: 4000, height: 2500, color: '#e8590c' });
    await expect.poll(() => sizeOf(2), { timeout: 30_000 }).toEqual([2560, 1600]);
    await box.fill('the photo and the screen');
    await box.press('Enter');
    await vi.waitFor(() => expect(node.chat.messages().map((m) => [m.text, m.images?.length])).toEqual([['the photo and the screen', 2]]), { timeout: 10_000 });
    const stored = async (n: number, i = 0): Promise<Uint8Array> => (await server.store.getAsset!('photos', assetIdOf(node.chat.messages()[n]!.images![i]!)!))!;
    for (const picture of [await stored(0, 0), await stored(0, 1)]) {
      expect(picture.byteLength).toBeLessThanOrEqual(1.5 * 1024 * 1024);
      expect(pictureType(picture)).toMatch(/^image\/(webp|jpeg)$/);
    }
    expect(await page.getByRole('alert').count()).toBe(0);

    // A BMP, a type the server keeps not: picked, re-encoded, sent.
    await page.getByLabel('Picture file').setInputFiles([{ name: 'dot.bmp', mimeType: 'image/bmp', buffer: bmp(4, 3, [0xe8, 0x59, 0x0c]) }]);
    await expect.poll(() => sizeOf(1), { timeout: 10_000 }).toEqual([4, 3]);
    await page.getByRole('button', { name: 'Send' }).click();
    await vi.waitFor(() => expect(node.chat.messages()).toHaveLength(2), { timeout: 10_000 });
    expect(pictureType(await stored(1))).toMatch(/^image\/(webp|jpeg)$/);
  }, 90_000);
});

/** [CHATUI-10] A server with assets, a member in `room` beside it, and Chromium's <Chat> there with its message box. */
async function pictureChat(room: string) {
  const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
  const node = member(server.url, room, { assetsUrl: `${new URL(server.url).origin}/kuiper-assets` }).room;
  await node.synced;
  const page = await openChat(await launch(), server.url, script, room, undefined, '&assets=%2Fkuiper-assets');
  return { server, node, page, box: page.getByRole('textbox', { name: 'Message' }) };
}

/** A `width` × `height` BMP (24-bit, rows bottom-up, each padded to 4 bytes) of one colour, `rgb`. */
function bmp(width: number, height: number, [r, g, b]: readonly number[]): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + row * height);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10); // where the pixels start
  file.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26); // planes
  file.writeUInt16LE(24, 28); // bits per pixel
  file.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) file.set([b!, g!, r!], 54 + y * row + x * 3);
  return file;
}
