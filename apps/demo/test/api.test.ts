/**
 * [DEMO-17] With KUIPER_API_KEY, the demo serves the rooms' documents over HTTP: a backend script
 * posts a note onto a board and a visitor's page shows it at once; reading it back gives the note.
 * The server's output has no Yjs warning after rendering room pages (DEMO-19).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readBoardShapes } from '@kuiper/collab';
import { visit } from './helpers/browser.js';
import { demoSuite } from './helpers/suite.js';
import { names, shapes } from './helpers/page.js';
import { postNote } from '../scripts/post-note.js';

const API_KEY = 'demo-test-key-0123456789';
const suite = demoSuite({ env: { KUIPER_API_KEY: API_KEY } });

describe('the demo with KUIPER_API_KEY', () => {
  it('[DEMO-17] a backend posts a note onto a board; the visitor sees it, and it reads back', async () => {
    const { origin } = suite.demo;
    const room = `api-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${origin}/rooms/${room}?name=Ada`);
    await expect.poll(() => names(ada.page), { timeout: 30_000 }).toEqual(['Ada (you)']);

    const refused = await postNote(origin, room, 'no key', 'wrong-key-0123456789abcd');
    expect(refused.status).toBe(401);
    const posted = await postNote(origin, room, 'Hello from the backend', API_KEY);
    expect(posted.status).toBe(204);
    await expect.poll(() => shapes(ada.page), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => ada.page.getByRole('application', { name: 'Whiteboard' }).textContent(), { timeout: 5_000 }).toContain('Hello from the backend');
    expect(await names(ada.page)).toEqual(['Ada (you)']); // the API is nobody in the room

    const read = await fetch(`${origin}/api/rooms/${room}/ydoc`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await read.arrayBuffer()));
    expect(readBoardShapes(doc).map((s) => s.text)).toEqual(['Hello from the backend']);
    // Pages are still Next's: the API answers only its own paths.
    expect((await fetch(`${origin}/rooms/${room}`)).status).toBe(200);
    // [DEMO-19] The room page was rendered on the server beside Kuiper's own rooms: one Yjs.
    expect(suite.demo.output()).not.toContain('Yjs was already imported');
  }, 600_000);
});
