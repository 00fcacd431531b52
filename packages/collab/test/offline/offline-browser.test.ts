// [COLLAB-33] [COLLAB-34] Offline in real Chromium: a page edits a room, the server stops, the page
// edits on and is reloaded while the server is still down — it shows the last state from IndexedDB —
// then the server comes back and the offline edits merge with another member's.
// The page is served from its own origin (it must reload while the Kuiper server is down), so the
// Kuiper server allows that origin (CORS, WebSocket origin check).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { chromiumExecutable, onCleanup, startKuiper } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { attachCollab } from '../../src/server/index.js';
import { member, text } from '../integration/helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page's own code, bundled from source the way an app's bundler would (browser, `source` condition). */
async function bundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kuiper-offline-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'page.js');
  const entry = fileURLToPath(new URL('./browser-entry.ts', import.meta.url));
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/esbuild'), [entry, '--bundle', '--format=esm', '--platform=browser', '--conditions=source', `--outfile=${out}`], { cwd: ROOT });
  return readFileSync(out, 'utf8');
}

/** A static server for the page, apart from Kuiper's, so a reload works while Kuiper is down. */
async function servePage(js: string): Promise<string> {
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

interface PageWindow {
  collab: { createClient: (url: string, options: object) => unknown; enterRoom: (client: unknown, id: string, options: object) => PageRoom };
  room: PageRoom;
}
interface PageRoom {
  doc: { getText(name: string): { insert(i: number, s: string): void; toString(): string; length: number } };
  synced: Promise<void>;
  restored: Promise<boolean>;
  syncStatus: string;
  flush(): Promise<void>;
}

/** Loads the page's code and enters the room with the offline option; resolves with `restored`. */
const enter = (page: Page, url: string): Promise<boolean> =>
  page.evaluate(async (url) => {
    const w = window as unknown as PageWindow;
    for (let i = 0; i < 200 && !w.collab; i++) await new Promise((r) => setTimeout(r, 25));
    const client = w.collab.createClient(url, { backoff: { base: 100, max: 300 } });
    w.room = w.collab.enterRoom(client, 'paper', { offline: true });
    return w.room.restored;
  }, url);
const pageText = (page: Page): Promise<string> => page.evaluate(() => (window as unknown as PageWindow).room.doc.getText('t').toString());
const pageStatus = (page: Page): Promise<string> => page.evaluate(() => (window as unknown as PageWindow).room.syncStatus);
/** Update records y-indexeddb has written for the room: what a reload would find. */
const kept = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('kuiper:paper');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('updates', 'readonly').objectStore('updates').count();
          count.onsuccess = () => (db.close(), resolve(count.result));
          count.onerror = () => reject(count.error);
        };
      }),
  );

describe('offline in Chromium', () => {
  it('[COLLAB-33] [COLLAB-34] a reload while the server is down shows the last state; the offline edits merge on reconnect', async () => {
    const origin = await servePage(await bundle());
    const store = new MemoryStore();
    const first = await startKuiper({ allowedOrigins: [origin] });
    const firstCollab = attachCollab(first.server, { store });

    const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
    onCleanup(() => browser.close());
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/`);
    expect(await enter(page, first.url)).toBe(true);
    await page.evaluate(async () => {
      const { room } = window as unknown as PageWindow;
      await room.synced;
      room.doc.getText('t').insert(0, 'online. ');
      await room.flush();
    });

    await firstCollab.detach();
    await first.server.close(); // the server is down
    const before = await kept(page);
    await page.evaluate(() => (window as unknown as PageWindow).room.doc.getText('t').insert(8, 'offline. '));
    await vi.waitFor(async () => expect(await kept(page)).toBeGreaterThan(before), { timeout: 5_000, interval: 50 });

    await page.reload(); // still no server
    expect(await enter(page, first.url)).toBe(true);
    expect(await pageText(page)).toBe('online. offline. ');
    expect(await pageStatus(page)).toBe('synchronizing');

    const second = await startKuiper({ allowedOrigins: [origin] }, { port: first.port });
    const collab = attachCollab(second.server, { store });
    onCleanup(() => collab.detach());
    const other = member(second.url, 'paper').room;
    await other.synced;
    other.doc.getText('t').insert(0, 'node. ');
    await other.flush();

    await vi.waitFor(async () => expect(await pageStatus(page)).toBe('synchronized'), { timeout: 15_000, interval: 100 });
    await vi.waitFor(async () => expect(await pageText(page)).toBe(text(other)), { timeout: 5_000, interval: 50 });
    expect(text(other)).toContain('online. offline. ');
    expect(text(other)).toContain('node. ');
  }, 60_000);
});
