// The streaming transports through `kuiper.fetch` (API-4) in real Chromium: a fetch server serves
// the test page and falls through to Kuiper, so the browser's own EventSource, forever-frame iframe
// and fetch streaming read Kuiper's ReadableStream bodies. Forever-frame needs a DOM, so this is
// where it is checked end to end (fetch-entry.test.ts covers the Node clients).
import { chromiumExecutable, eventually, onCleanup } from '@kuiper/testkit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFetchHosted } from '../helpers/fetch-host.js';
import { PAGE_HTML, type PageApi } from '../streaming/browser-page.js';
import { STREAMING } from '../streaming/stream-reader.js';

declare const window: PageApi;

let browser: Browser;
beforeAll(async () => {
  // A missing Chromium fails the file with what to install; browser tests never skip.
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
afterAll(() => browser?.close());

describe.each(STREAMING)('%s in Chromium through kuiper.fetch', (transport) => {
  it('[API-4][STREAM-4][STREAM-5] subscribes, receives in order, and reopens the stream when the hold ends', async () => {
    const { kuiper, origin } = await startFetchHosted({ timeout: 700 }, (request) =>
      new URL(request.url).pathname === '/' ? new Response(PAGE_HTML, { headers: { 'Content-Type': 'text/html;charset=utf-8' } }) : undefined,
    );
    const context = await browser.newContext();
    onCleanup(() => context.close());
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.evaluate((t) => window.start(t, '/chat/fetch'), transport);
    await page.evaluate(async () => {
      for (let n = 0; n < 10; n++) await window.publish('/chat/fetch', { n });
    });
    for (let n = 10; n < 15; n++) void kuiper.publish('/chat/fetch', { n });
    const received = () => page.evaluate(() => window.received.map((m) => m.data));
    await eventually(async () => expect(await received()).toHaveLength(15));
    expect(await received()).toEqual(Array.from({ length: 15 }, (_, n) => ({ n })));
    // The 700 ms hold ends the stream (a Response body closing); the page opens the next one.
    await eventually(async () => expect(await page.evaluate(() => window.streams)).toBeGreaterThanOrEqual(2));
    await kuiper.publish('/chat/fetch', 'after');
    await eventually(async () => expect(await received()).toContainEqual('after'));
    expect(await page.evaluate(() => window.errors)).toEqual([]);
  });
});
