// The streaming transports in real Chromium: native EventSource, a hidden forever-frame iframe
// calling back into its parent, and fetch streaming of a multipart body (SPEC: STREAM-4, -5, -9..11).
// One browser for the file; each test gets its own server (page and Bayeux on one origin) and page.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page, chromium } from 'playwright-core';
import { chromiumExecutable, type KuiperOptions, eventually, onCleanup } from '@kuiper/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKuiperServer } from '../../src/index.js';
import { PAGE_HTML, type PageApi } from './browser-page.js';
import { STREAMING } from './stream-reader.js';

declare const window: PageApi;

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    // A missing Chromium fails the file with what to install; browser tests never skip.
    executablePath: chromiumExecutable(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(() => browser?.close());

/** Serves the test page at `/` and Kuiper on `/bayeux` from one node:http server on loopback. */
async function startPage(options: Partial<KuiperOptions> = {}): Promise<{ page: Page; kuiper: ReturnType<typeof createKuiperServer> }> {
  const kuiper = createKuiperServer({ path: '/bayeux', ...options });
  const server: Server = createServer((req, res) => {
    if (kuiper.handleRequest(req, res)) return;
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' }).end(PAGE_HTML);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  onCleanup(() => kuiper.close());
  const context = await browser.newContext();
  onCleanup(() => context.close());
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return { page, kuiper };
}

const received = (page: Page, channel: string) =>
  page.evaluate((ch) => window.received.filter((m) => m.channel === ch).map((m) => m.data), channel);

describe.each(STREAMING)('%s in Chromium', (transport) => {
  it('[STREAM-4] subscribes, publishes and receives in order', async () => {
    const { page, kuiper } = await startPage();
    await page.evaluate((t) => window.start(t, '/chat/browser'), transport);
    await page.evaluate(async () => {
      for (let n = 0; n < 20; n++) await window.publish('/chat/browser', { n });
    });
    // A burst from the server in one turn arrives after them, in order.
    for (let n = 20; n < 25; n++) void kuiper.publish('/chat/browser', { n });
    await eventually(async () => expect(await received(page, '/chat/browser')).toHaveLength(25));
    expect(await received(page, '/chat/browser')).toEqual(Array.from({ length: 25 }, (_, n) => ({ n })));
    expect(await page.evaluate(() => window.errors)).toEqual([]);
  });

  it('[STREAM-5] the page opens the next stream when the hold times out and keeps receiving', async () => {
    const { page, kuiper } = await startPage({ timeout: 700 });
    await page.evaluate((t) => window.start(t, '/chat/renew'), transport);
    await kuiper.publish('/chat/renew', 'first');
    await eventually(async () => expect(await page.evaluate(() => window.streams)).toBeGreaterThanOrEqual(2));
    await kuiper.publish('/chat/renew', 'second');
    await eventually(async () => expect(await received(page, '/chat/renew')).toEqual(['first', 'second']));
    expect(await page.evaluate(() => window.errors)).toEqual([]);
  });
});
