// A real Kuiper server with a Node member in a room, and Chromium showing <Whiteboard> (bundled by
// esbuild from our TypeScript) in the same room: what the whiteboard's Chromium tests start from.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { expect } from 'vitest';
import { chromiumExecutable, onCleanup } from '@kuiper/testkit';
import { createBoard } from '../../src/whiteboard/index.js';
import { member, startCollab } from '../integration/helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Bundles the test page for the browser: `source` condition (our TypeScript), production React. */
async function bundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kuiper-wb-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'page.js');
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/esbuild'), [
    fileURLToPath(new URL('./browser-entry.tsx', import.meta.url)),
    '--bundle', '--format=esm', '--platform=browser', '--conditions=source', '--jsx=automatic',
    '--define:process.env.NODE_ENV="production"', '--log-level=error', `--outfile=${out}`,
  ], { cwd: ROOT });
  return readFile(out, 'utf8');
}

/** A real server with a Node member in `room`, and Chromium showing <Whiteboard> in the same room. */
export async function openBoardPage(room: string, query = '') {
  const [server, script] = await Promise.all([startCollab(), bundle()]);
  const node = member(server.url, room, { presence: { name: 'Node', color: '#2f9e44' }, throttleMs: 10 }).room;
  await node.synced;
  const nodeBoard = createBoard(node);
  onCleanup(() => nodeBoard.destroy());
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
  onCleanup(() => browser.close());
  const origin = new URL(server.url).origin;
  const errors: string[] = [];
  /** A page of the same browser (one clipboard) showing `name`'s board. */
  const openPage = async (name: string, q: string) => {
    const page = await browser.newPage({ acceptDownloads: true });
    // The page and its script are served at the server's origin, so the client reaches /bayeux as same-origin.
    await page.route(`${origin}/board.html*`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><div id="app"></div><script type="module" src="/board.js"></script>' }));
    await page.route(`${origin}/board.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: script }));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/board.html?room=${name}${q}`);
    await page.waitForFunction(() => (window as unknown as { whiteboardReady?: boolean }).whiteboardReady === true, undefined, { timeout: 15_000 });
    return page;
  };
  const page = await openPage(room, query);
  return { node, nodeBoard, page, errors, server, openPage };
}

/** A real 1×1 PNG stored as `room`'s asset: its base64 and its id. */
export async function storeOnePixel(server: Awaited<ReturnType<typeof startCollab>>, room: string): Promise<{ png: string; id: string }> {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
  const bytes = Buffer.from(png, 'base64');
  const id = createHash('sha256').update(bytes).digest('hex');
  expect(await server.store.putAsset!(room, id, new Uint8Array(bytes))).toBe('stored');
  return { png, id };
}
