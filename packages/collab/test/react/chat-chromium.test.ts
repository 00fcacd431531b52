// [CHATUI-1] [CHATUI-2] [CHATUI-6] <Chat> in real Chromium (bundled by esbuild, a real server): loading
// older history on scroll up keeps the message the reader looked at where it was, and the keyboard
// alone reaches the text box and sends with Enter.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { chromiumExecutable, onCleanup } from '@kuiper/testkit';
import { member, startCollab } from '../integration/helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function bundle(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kuiper-chat-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'page.js');
  const args = [fileURLToPath(new URL(entry, import.meta.url)), '--bundle', '--format=esm', '--platform=browser', '--conditions=source'];
  args.push('--jsx=automatic', '--define:process.env.NODE_ENV="production"', '--log-level=error', `--outfile=${out}`);
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/esbuild'), args, { cwd: ROOT });
  return readFile(out, 'utf8');
}

describe('<Chat> in Chromium', () => {
  it('[CHATUI-1] [CHATUI-6] older messages load above without moving the one being read; Tab, type, Enter sends', async () => {
    const [server, script] = await Promise.all([startCollab(), bundle('./chat-browser-entry.tsx')]);
    const node = member(server.url, 'scroll').room;
    await node.synced;
    for (let i = 1; i <= 80; i++) await node.chat.send(`message number ${i}`);

    const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
    onCleanup(() => browser.close());
    const page = await browser.newPage();
    const origin = new URL(server.url).origin;
    await page.route(`${origin}/chat.html*`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><div id="app"></div><script type="module" src="/chat.js"></script>' }));
    await page.route(`${origin}/chat.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/chat.html?room=scroll`);
    await page.waitForFunction(() => (window as unknown as { chatReady?: boolean }).chatReady === true, undefined, { timeout: 15_000 });

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
    // The 30 older messages went above it: it is still at the top of the view, not pushed 30 rows down.
    expect(anchorBox.y - logBox.y).toBeLessThan(80);
    expect(await log.evaluate((el) => el.scrollTop)).toBeGreaterThan(200);
    await log.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => log.getByText('message number 1', { exact: true }).isVisible()).toBe(true);

    // Keyboard only: Tab moves from the log to the text box; Enter sends.
    await log.focus();
    let steps = 0;
    while (steps++ < 10 && !(await page.getByRole('textbox', { name: 'Message' }).evaluate((el) => el === document.activeElement))) await page.keyboard.press('Tab');
    await page.keyboard.type('typed in Chromium');
    await page.keyboard.press('Enter');
    await vi.waitFor(() => expect(node.chat.messages().map((m) => m.text)).toContain('typed in Chromium'), { timeout: 10_000 });
    expect(errors).toEqual([]);
  });
});
