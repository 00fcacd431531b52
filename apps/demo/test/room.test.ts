/**
 * Two visitors in one room of the built demo, in real Chromium: a stroke and a chat message reach
 * both, the lobby shows them in that room, export downloads a file, and the room as Ada sees it is
 * written to docs/demo-room.png (the picture the READMEs show, so it stays what the demo looks
 * like); then the server restarts and both pages come back by themselves to the same board.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '@kuiper/client';
import { createBoard, enterRoom } from '@kuiper/collab';
import * as Y from 'yjs';
import { pastePicture } from '@kuiper/testkit';
import { visit } from './helpers/browser.js';
import { banner, boardView, chatLog, chatMessage, drawStroke, names, saveState, sendChat, shapes, status } from './helpers/page.js';
import { DEMO_DIR } from './helpers/demo.js';
import { demoSuite } from './helpers/suite.js';
import { PALETTE, preferredColor } from '../components/room-colors.js';

const suite = demoSuite();
const SCREENSHOT = join(DEMO_DIR, '../../docs/demo-room.png');
const SCREEN = { width: 1280, height: 800 };

describe('the lobby', () => {
  it('[DEMO-7][DEMO-1] asks for a display name once, remembers it, and creates a room by name', async () => {
    const { context, page } = await visit(suite.browser, `${suite.demo.origin}/`);
    try {
      await page.getByLabel('Your display name').fill('Zoe');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Hello, Zoe');
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Hello, Zoe');
      expect(await page.getByLabel('Your display name').count()).toBe(0);

      const name = `Team Plan ${Date.now().toString(36)}`;
      await page.getByLabel('Room name').fill(name);
      await page.getByRole('button', { name: 'Create room' }).click();
      const id = name.toLowerCase().replaceAll(' ', '-');
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe(`/rooms/${id}`);
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Connected · websocket');
      await expect.poll(() => names(page), { timeout: 10_000 }).toEqual(['Zoe (you)']);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('[DEMO-28] the rooms Ada visited and everyone left are listed under Your recent rooms, newest first, with their picture and link (view-only kept); one with people in it only among those', async () => {
    const stamp = Date.now().toString(36);
    const [plan, retro, busy] = [`recent-plan-${stamp}`, `recent-retro-${stamp}`, `recent-busy-${stamp}`];
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${busy}?name=Bob`);
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${plan}?name=Ada`);
    const recent = () => ada.page.getByRole('list', { name: 'Your recent rooms' });
    try {
      for (const url of [`/rooms/${retro}?view=1`, `/rooms/${busy}`, '/']) {
        await expect.poll(() => status(ada.page), { timeout: 15_000 }).toBe('Connected · websocket');
        await ada.page.goto(`${suite.demo.origin}${url}`);
      }
      // Ada's own visits have ended: plan and retro are empty; Bob is still in busy.
      await expect.poll(() => recent().getByRole('listitem').evaluateAll((items) => items.map((li) => li.getAttribute('aria-label'))), { timeout: 20_000 }).toEqual([retro, plan]);
      const people = ada.page.getByRole('list', { name: 'Rooms with people in them' });
      await expect.poll(() => people.getByRole('listitem', { name: busy }).count(), { timeout: 10_000 }).toBe(1);
      expect(await recent().getByRole('listitem', { name: busy }).count()).toBe(0);
      expect(await recent().getByRole('link', { name: retro }).getAttribute('href')).toBe(`/rooms/${retro}?view=1`);
      expect(await recent().getByRole('img', { name: `The board of ${plan}` }).getAttribute('src')).toBe(`/previews/${plan}.svg`);
      await recent().getByRole('link', { name: plan }).click();
      await expect.poll(() => new URL(ada.page.url()).pathname, { timeout: 10_000 }).toBe(`/rooms/${plan}`);
    } finally {
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
  }, 90_000);

  it('[DEMO-25] [DEMO-26] a room with a message Carol has not read says New messages in her lobby; once she has been in the room it does not, until someone writes again; a message naming her says Mentions you', async () => {
    const room = `news-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const lobby = await visit(suite.browser, `${suite.demo.origin}/?name=Carol`);
    const entry = () => lobby.page.getByRole('list', { name: 'Rooms with people in them' }).getByRole('listitem', { name: room });
    const news = () => entry().locator('.news').count();
    try {
      await expect.poll(() => entry().count(), { timeout: 20_000 }).toBe(1);
      await sendChat(ada.page, 'agenda is up');
      await expect.poll(news, { timeout: 10_000 }).toBe(1);
      // Ada's own lobby (another tab of hers: the same identity) has no news of her own message.
      const adasLobby = await ada.context.newPage();
      try {
        await adasLobby.goto(`${suite.demo.origin}/`);
        await expect.poll(() => adasLobby.getByRole('listitem', { name: room }).count(), { timeout: 10_000 }).toBe(1);
        await adasLobby.waitForTimeout(500);
        expect(await adasLobby.getByRole('listitem', { name: room }).locator('.news').count()).toBe(0);
      } finally {
        await adasLobby.close();
      }
      // Carol reads the room, then comes back.
      await entry().getByRole('link', { name: room }).click();
      await expect.poll(async () => (await chatMessage(lobby.page, 'Ada', 'agenda is up')) !== null, { timeout: 15_000 }).toBe(true);
      await lobby.page.getByRole('textbox', { name: 'Message' }).click(); // the chat has her attention: read (CHATUI-9)
      await lobby.page.waitForTimeout(500);
      await lobby.page.getByRole('link', { name: 'Lobby' }).click();
      await expect.poll(() => entry().count(), { timeout: 15_000 }).toBe(1);
      await lobby.page.waitForTimeout(500);
      expect(await news()).toBe(0);
      await sendChat(ada.page, 'and the budget');
      await expect.poll(news, { timeout: 10_000 }).toBe(1);
      expect(await entry().locator('.mention').count()).toBe(0);
      // [DEMO-26] Ada names Carol: the room says so, and still after Ada writes on.
      await sendChat(ada.page, '@Carol does Friday work?');
      await expect.poll(() => entry().getByText('Mentions you').count(), { timeout: 10_000 }).toBe(1);
      await sendChat(ada.page, 'or Monday');
      await expect.poll(() => entry().locator('.last-message').textContent(), { timeout: 10_000 }).toContain('or Monday');
      await lobby.page.waitForTimeout(500);
      expect(await entry().getByText('Mentions you').count()).toBe(1);
    } finally {
      await Promise.all([ada.context.close(), lobby.context.close()]);
    }
  }, 90_000);
});

describe('a room with two visitors', () => {
  it('[DEMO-8][DEMO-7][DEMO-9][DEMO-15][DEMO-18] a stroke and a chat message appear for both, the tab title counts unread messages, the lobby shows both in the room and a picture of its board, export downloads a file, the room is pictured in docs/demo-room.png', async () => {
    const room = `board-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`, SCREEN);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    const lobby = await visit(suite.browser, `${suite.demo.origin}/?name=Carol`);
    try {
      await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)', 'Bob']);

      await drawStroke(ada.page, 0);
      await expect.poll(() => shapes(ada.page), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => shapes(bob.page), { timeout: 10_000 }).toBe(1);

      await sendChat(bob.page, 'hello from Bob');
      for (const { page } of [ada, bob]) {
        // The author is the name Bob's session was opened with (the server's, not the message's).
        await expect.poll(() => chatLog(page).getByRole('article', { name: /^Bob at/ }).textContent(), { timeout: 10_000 }).toContain('hello from Bob');
      }

      // [DEMO-15] Ada was drawing, not reading the chat: her tab's title counts Bob's message; his own doesn't.
      await expect.poll(() => ada.page.title(), { timeout: 10_000 }).toBe(`(1) ${room} · Kuiper demo`);
      expect(await bob.page.title()).toBe(`${room} · Kuiper demo`);
      const entry = lobby.page.getByRole('list', { name: 'Rooms with people in them' }).getByRole('listitem', { name: room });
      await expect.poll(() => entry.textContent(), { timeout: 10_000 }).toMatch(/2 here: (Ada, Bob|Bob, Ada).*Bob: hello from Bob/);
      // [DEMO-18] The lobby pictures the room's board, rendered by the server: Ada's stroke is in it.
      const picture = entry.getByRole('img', { name: `The board of ${room}` });
      await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
      const preview = async (): Promise<string> => {
        const response = await fetch(`${suite.demo.origin}/previews/${room}.svg`);
        expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
        return response.text();
      };
      // A rendering serves a room's requests for 2 s: the picture may be from before the stroke.
      await expect.poll(preview, { timeout: 10_000 }).toMatch(/^<svg[^>]*>.*<path/s);
      expect((await fetch(`${suite.demo.origin}/previews/not%20a%20room.svg`)).status).toBe(400);

      const [download] = await Promise.all([ada.page.waitForEvent('download'), ada.page.getByRole('button', { name: 'Export SVG' }).click()]);
      const svg = await readFile((await download.path())!, 'utf8');
      expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('<path');

      // Both have drawn and both have chatted by the time the picture is taken.
      await drawStroke(bob.page, 150);
      await expect.poll(() => shapes(ada.page), { timeout: 10_000 }).toBe(2);
      await sendChat(ada.page, 'hi Bob, nice stroke', 'enter');
      await expect.poll(() => chatMessage(ada.page, 'Ada', 'hi Bob, nice stroke'), { timeout: 10_000 }).toContain('hi Bob, nice stroke');
      await expect.poll(() => chatMessage(bob.page, 'Ada', 'hi Bob, nice stroke'), { timeout: 10_000 }).toContain('hi Bob, nice stroke');
      await expect.poll(() => ada.page.title(), { timeout: 10_000 }).toBe(`${room} · Kuiper demo`); // she wrote in the chat: read
      await rm(SCREENSHOT, { force: true }); // so the checks below read this run's picture
      await ada.page.screenshot({ path: SCREENSHOT });
      const png = await readFile(SCREENSHOT);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // the PNG signature
      // IHDR, the first chunk, holds the width and height: the whole 1280×800 window.
      expect([png.subarray(12, 16).toString('ascii'), png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(['IHDR', SCREEN.width, SCREEN.height]);
      expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000); // a rendered page, not a blank one
    } finally {
      await Promise.all([ada.context.close(), bob.context.close(), lobby.context.close()]);
    }
  }, 90_000);

  it('[DEMO-11] two users whose own colours are the same get different ones: the first to come keeps it, every page agrees', async () => {
    const room = `colours-${Date.now().toString(36)}`;
    const [adaId, bobId, carolId] = Array.from({ length: 400 }, (_, n) => `same${n}`).filter((id) => preferredColor(id) === PALETTE[5]);
    const as = async (id: string | undefined, name: string) => {
      const context = await suite.browser.newContext();
      await context.addInitScript((userId) => localStorage.setItem('kuiper-demo:user-id', userId), id!);
      const page = await context.newPage();
      await page.goto(`${suite.demo.origin}/rooms/${room}?name=${name}`);
      return { context, page };
    };
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    // Avatars' colours as the page paints them, in its order: this tab first.
    const avatars = (page: Page) => page.getByRole('list', { name: 'Avatars' }).getByRole('listitem').evaluateAll((items) => items.map((li) => `${li.getAttribute('title')}=${getComputedStyle(li).backgroundColor}`));
    const ada = await as(adaId, 'Ada');
    await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)']);
    const bob = await as(bobId, 'Bob');
    const carol = await as(carolId, 'Carol');
    try {
      // Name → colour on each page; the same on all three, or undefined while they differ.
      const view = async (page: Page) => Object.fromEntries((await avatars(page)).map((e) => e.replace(' (you)', '').split('=') as [string, string]));
      const agreed = async () => {
        const views = await Promise.all([ada, bob, carol].map(({ page }) => view(page)));
        const keys = new Set(views.map((v) => JSON.stringify(Object.entries(v).sort())));
        return keys.size === 1 && Object.keys(views[0]!).length === 3 ? views[0] : undefined;
      };
      await expect.poll(async () => new Set(Object.values((await agreed()) ?? {})).size, { timeout: 20_000 }).toBe(3);
      const colours = (await agreed())!;
      // Ada came first and keeps her own colour; Bob and Carol, whose own colour it is too, take the
      // next two (which of them takes which depends on who entered first).
      expect(colours['Ada']).toBe(rgb(PALETTE[5]));
      expect([colours['Bob'], colours['Carol']].sort()).toEqual([rgb(PALETTE[6]), rgb(PALETTE[7])].sort());
    } finally {
      await Promise.all([ada.context.close(), bob.context.close(), carol.context.close()]);
    }
  }, 90_000);

  it('[DEMO-13] pressing Bob\'s avatar makes Ada\'s board follow what his shows; pressing it again stops', async () => {
    const room = `follow-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`, SCREEN);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`, SCREEN);
    try {
      await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)', 'Bob']);
      const avatar = ada.page.getByRole('list', { name: 'Avatars' }).getByRole('button', { name: 'Bob', exact: true });
      await avatar.click();
      expect(await avatar.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => ada.page.getByText('Following Bob').isVisible(), { timeout: 10_000 }).toBe(true);
      const start = await boardView(bob.page);
      await bob.page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => boardView(bob.page), { timeout: 10_000 }).not.toBe(start);
      const his = await boardView(bob.page);
      await expect.poll(() => boardView(ada.page), { timeout: 10_000 }).toBe(his); // same window size: the same view

      await avatar.click();
      expect(await avatar.getAttribute('aria-pressed')).toBe('false');
      await expect.poll(() => ada.page.getByText('Following Bob').count(), { timeout: 10_000 }).toBe(0);
      await bob.page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => boardView(bob.page), { timeout: 10_000 }).not.toBe(his);
      await new Promise((r) => setTimeout(r, 500)); // a presence update's time here, and then some
      expect(await boardView(ada.page)).toBe(his);
    } finally {
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
  }, 60_000);

  it('[DEMO-16] Copy invite link puts the room\'s own address on the clipboard — not Ada\'s ?name= — and it opens the room', async () => {
    const room = `invite-${Date.now().toString(36)}`;
    const context = await suite.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const page = await context.newPage();
      await page.goto(`${suite.demo.origin}/rooms/${room}?name=Ada&transport=long-polling`);
      await expect.poll(() => status(page), { timeout: 20_000 }).toBe('Connected · long-polling');
      await page.getByRole('button', { name: 'Copy invite link' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Link copied' }).count(), { timeout: 5_000 }).toBe(1);
      const link = await page.evaluate(() => navigator.clipboard.readText());
      expect(link).toBe(`${suite.demo.origin}/rooms/${room}`);
      // Someone new opening it is asked their name, then is in Ada's room.
      const bob = await visit(suite.browser, link);
      try {
        await bob.page.getByLabel('Your display name').fill('Bob');
        await bob.page.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => names(bob.page), { timeout: 20_000 }).toEqual(['Bob (you)', 'Ada']);
      } finally {
        await bob.context.close();
      }
    } finally {
      await context.close();
    }
  }, 60_000);

  it('[DEMO-21] Copy view-only link gives ?view=1: that visitor sees the board and chat live, with no drawing tools and no message box, and the server refuses a viewer\'s edits', async () => {
    const room = `view-${Date.now().toString(36)}`;
    const context = await suite.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const page = await context.newPage();
      await page.goto(`${suite.demo.origin}/rooms/${room}?name=Ada`);
      await expect.poll(() => names(page), { timeout: 20_000 }).toEqual(['Ada (you)']);
      await drawStroke(page, 0);
      await sendChat(page, 'welcome, viewers');
      await page.getByRole('button', { name: 'Copy view-only link' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Link copied' }).count(), { timeout: 5_000 }).toBe(1);
      const link = await page.evaluate(() => navigator.clipboard.readText());
      expect(link).toBe(`${suite.demo.origin}/rooms/${room}?view=1`);

      const vic = await visit(suite.browser, `${link}&name=Vic`);
      try {
        await expect.poll(() => names(vic.page), { timeout: 20_000 }).toEqual(['Vic (you)', 'Ada']);
        expect(await vic.page.getByText('View only', { exact: true }).count()).toBe(1);
        await expect.poll(() => shapes(vic.page), { timeout: 10_000 }).toBe(1);
        await expect.poll(() => chatMessage(vic.page, 'Ada', 'welcome, viewers'), { timeout: 10_000 }).not.toBeNull();
        expect(await vic.page.getByRole('button', { name: 'Pen' }).count()).toBe(0);
        expect(await vic.page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
        expect(await vic.page.getByRole('button', { name: 'Copy invite link' }).count()).toBe(0); // a viewer passes on only viewing
        // Nothing a viewer does is saved, so no save badge; and no "New" marker above a log they never read (CHATUI-9).
        expect(await vic.page.locator('.save-state').count()).toBe(0);
        expect(await vic.page.getByRole('separator', { name: 'New messages' }).count()).toBe(0);
        await drawStroke(page, 200); // live
        await expect.poll(() => shapes(vic.page), { timeout: 10_000 }).toBe(2);
        await drawStroke(vic.page, 300); // on a viewer's board a drag pans
        expect(await shapes(vic.page)).toBe(2);
      } finally {
        await vic.context.close();
      }

      // Enforced by the server, not the page: a client asking for a viewer's session is refused its edits.
      const client = createClient(`${suite.demo.origin}/bayeux`, { ack: false, ext: { user: { id: 'mallory', name: 'Mallory' }, viewer: true } });
      const mallory = enterRoom(client, room);
      try {
        await mallory.synced;
        expect(createBoard(mallory).add({ kind: 'rect', x: 0, y: 0, w: 50, h: 50 }).ok).toBe(true); // locally
        await expect(mallory.flush()).rejects.toMatchObject({ code: 'read_only' });
        await expect(mallory.chat.send('forged')).rejects.toMatchObject({ code: 'read_only' });
        expect(await shapes(page)).toBe(2);
      } finally {
        mallory.leave();
        await client.disconnect();
      }
    } finally {
      await context.close();
    }
  }, 90_000);

  it('[DEMO-22] the Notes tab: what Ada types shows on Bob\'s page with her caret named Ada, bold when she bolds it; his line shows on hers; the server\'s document holds them; a viewer reads along and cannot type', async () => {
    const room = `notes-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    const editor = (page: Page) => page.locator('.notes .ProseMirror');
    // The notes' paragraphs as a reader sees them: without the others' carets, whose name labels sit in the text.
    const paragraphs = (page: Page) => editor(page).evaluate((root) => [...root.querySelectorAll('p')].map((p) => {
      const copy = p.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
      return copy.textContent;
    }));
    try {
      await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)', 'Bob']);
      for (const { page } of [ada, bob]) await page.getByRole('tab', { name: 'Notes' }).click();
      // The empty pane says what it is for: drawn from the paragraph's data-placeholder, never text.
      const hint = (page: Page) => editor(page).locator('p.is-editor-empty').evaluate((p) => getComputedStyle(p, '::before').content);
      await expect.poll(() => hint(ada.page), { timeout: 10_000 }).toBe('"Write notes for everyone in the room…"');
      await editor(ada.page).click();
      await ada.page.keyboard.type('Agenda: ship the demo');
      await expect.poll(() => paragraphs(bob.page), { timeout: 10_000 }).toEqual(['Agenda: ship the demo']);
      expect(await editor(bob.page).locator('.is-editor-empty').count()).toBe(0); // gone with the first line
      // Ada's caret, in her colour, named, on Bob's page (through useAwareness over presence).
      await expect.poll(() => bob.page.locator('.notes .collaboration-carets__label').allTextContents(), { timeout: 10_000 }).toEqual(['Ada']);
      const bold = ada.page.getByRole('button', { name: 'Bold' });
      expect(await bold.getAttribute('aria-pressed')).toBe('false');
      await ada.page.keyboard.press('Control+a');
      await bold.click();
      await expect.poll(() => editor(bob.page).locator('strong').evaluate((b) => b.firstChild?.textContent), { timeout: 10_000 }).toBe('Agenda: ship the demo');
      // The toolbar shows what the caret is in: Bold pressed, Italic not.
      await expect.poll(() => bold.getAttribute('aria-pressed')).toBe('true');
      expect(await ada.page.getByRole('button', { name: 'Italic' }).getAttribute('aria-pressed')).toBe('false');

      await editor(bob.page).click();
      await bob.page.keyboard.press('Control+End');
      await bob.page.keyboard.press('Enter');
      await bob.page.keyboard.type('Bob: agreed');
      await expect.poll(() => paragraphs(ada.page), { timeout: 10_000 }).toEqual(['Agenda: ship the demo', 'Bob: agreed']);
      await expect.poll(() => ada.page.locator('.notes .collaboration-carets__label').allTextContents(), { timeout: 10_000 }).toEqual(['Bob']);

      // The notes are the room's document: a Node member reads them from the server.
      const client = createClient(`${suite.demo.origin}/bayeux`, { ack: false });
      const reader = enterRoom(client, room);
      try {
        await reader.synced;
        const notes = reader.doc.getXmlFragment('notes').toString();
        expect(notes).toContain('<bold>Agenda: ship the demo</bold>');
        expect(notes).toContain('Bob: agreed');
      } finally {
        reader.leave();
        await client.disconnect();
      }

      const vic = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?view=1&name=Vic`);
      try {
        await vic.page.getByRole('tab', { name: 'Notes' }).click();
        await expect.poll(() => paragraphs(vic.page), { timeout: 10_000 }).toEqual(['Agenda: ship the demo', 'Bob: agreed']);
        expect(await editor(vic.page).getAttribute('contenteditable')).toBe('false');
        expect(await vic.page.getByRole('toolbar', { name: 'Text' }).count()).toBe(0);
        // In a room with no notes, a viewer is told there are none (not asked to write).
        await vic.page.goto(`${suite.demo.origin}/rooms/${room}-empty?view=1&name=Vic`);
        await vic.page.getByRole('tab', { name: 'Notes' }).click();
        await expect.poll(() => hint(vic.page), { timeout: 10_000 }).toBe('"No notes yet"');
      } finally {
        await vic.context.close();
      }
    } finally {
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
  }, 90_000);

  it('[DEMO-23] a picture Ada pastes on the board is uploaded to the demo\'s /kuiper-assets: Bob\'s page draws it from there, the room\'s document holds only its reference and a thumbnail, the lobby pictures it from that; a picture pasted into Bob\'s chat shows in Ada\'s', async () => {
    const room = `pictures-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    const lobby = await visit(suite.browser, `${suite.demo.origin}/?name=Carol`);
    try {
      await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)', 'Bob']);
      await ada.page.getByRole('application', { name: 'Whiteboard' }).focus();
      await pastePicture(ada.page, { width: 400, height: 200, color: '#e8590c' }); // as a screenshot from the clipboard
      const picture = bob.page.locator('image[data-shape-kind="image"]');
      await expect.poll(() => picture.count(), { timeout: 15_000 }).toBe(1);
      const href = (await picture.getAttribute('href'))!;
      expect(href).toMatch(new RegExp(`^/kuiper-assets/${room}/[0-9a-f]{64}$`));
      // Bob's browser fetched it from the demo's server and decoded it.
      expect(await bob.page.evaluate((src) => new Promise((resolve) => { const img = new Image(); img.onload = () => resolve([img.naturalWidth, img.naturalHeight]); img.src = src; }), href)).toEqual([400, 200]);

      // The room's document holds the shape and a 71-character reference, not the picture.
      const client = createClient(`${suite.demo.origin}/bayeux`, { ack: false });
      const reader = enterRoom(client, room);
      const board = createBoard(reader);
      try {
        await reader.synced;
        expect(board.shapes().map((shape) => shape.src)).toEqual([`asset:${href.split('/').pop()}`]);
      } finally {
        board.destroy();
        reader.leave();
        await client.disconnect();
      }
      // Bob pastes a picture into the chat: it goes with his message, and Ada's chat draws it.
      await bob.page.getByRole('textbox', { name: 'Message' }).focus();
      await pastePicture(bob.page, { width: 90, height: 60 });
      await expect.poll(() => bob.page.getByRole('list', { name: 'Pictures to send' }).getByRole('img').count(), { timeout: 10_000 }).toBe(1);
      await sendChat(bob.page, 'this one');
      const inChat = chatLog(ada.page).getByRole('img', { name: 'Picture 1 from Bob' });
      await expect.poll(() => inChat.count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => inChat.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth]), { timeout: 10_000 }).toEqual([true, 90]);

      // [BOARD-25] The lobby's preview (an <img> of an SVG, which may load nothing from outside)
      // draws the picture from its thumbnail in the document, never a link to the asset.
      const preview = async (): Promise<string> => (await fetch(`${suite.demo.origin}/previews/${room}.svg`)).text();
      await expect.poll(preview, { timeout: 10_000 }).toMatch(/<image data-shape-id="[^"]+" data-shape-kind="image"[^>]* href="data:image\/(webp|jpeg);base64,/);
      expect(await preview()).not.toContain('kuiper-assets');
      // What Carol sees in the lobby: the room's preview painted with the picture's orange.
      const entry = lobby.page.getByRole('list', { name: 'Rooms with people in them' }).getByRole('listitem', { name: room });
      const img = entry.getByRole('img', { name: `The board of ${room}` });
      const orangePixels = (): Promise<number> =>
        img.evaluate((el: HTMLImageElement) => {
          if (!el.complete || el.naturalWidth === 0) return 0;
          const canvas = Object.assign(document.createElement('canvas'), { width: 120, height: 75 });
          const context = canvas.getContext('2d')!;
          context.drawImage(el, 0, 0, 120, 75);
          const rgba = context.getImageData(0, 0, 120, 75).data;
          let count = 0;
          for (let i = 0; i < rgba.length; i += 4) if (Math.abs(rgba[i]! - 0xe8) < 30 && Math.abs(rgba[i + 1]! - 0x59) < 30 && rgba[i + 2]! < 60) count++;
          return count;
        });
      await expect.poll(orangePixels, { timeout: 15_000 }).toBeGreaterThan(1000);
    } finally {
      await Promise.all([ada.context.close(), bob.context.close(), lobby.context.close()]);
    }
  }, 90_000);

  it('[DEMO-24] [DEMO-27] History: Ada saves the board as a named version, Bob\'s board is emptied and the notes get a line, Ada restores the board only for both from its picture, the notes keep the line, and undo takes the restore back', async () => {
    const room = `history-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    try {
      await expect.poll(() => names(ada.page), { timeout: 20_000 }).toEqual(['Ada (you)', 'Bob']);
      await drawStroke(ada.page);
      await drawStroke(ada.page, 60);
      await expect.poll(() => shapes(bob.page), { timeout: 10_000 }).toBe(2);
      // A version holds the notes too.
      await ada.page.getByRole('tab', { name: 'Notes' }).click();
      await ada.page.locator('.notes .ProseMirror').click();
      await ada.page.keyboard.type('Agenda: budget');
      await ada.page.getByRole('tab', { name: 'Board' }).click();

      const history = ada.page.getByRole('button', { name: 'History' });
      await history.click();
      const panel = ada.page.getByRole('region', { name: 'Version history' });
      await panel.getByRole('textbox', { name: 'Version name' }).fill('Two strokes');
      await panel.getByRole('button', { name: 'Save version' }).click();
      await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 10_000 }).toBe('Saved “Two strokes”');
      await expect.poll(() => panel.getByRole('img').getAttribute('alt'), { timeout: 10_000 }).toMatch(/^The board as it was Today \d\d:\d\d: 2 shapes$/);
      expect(await panel.locator('.history-notes').textContent()).toBe('NotesAgenda: budget');

      // The board is emptied (by a backend, as by anyone's Select all and Delete).
      const client = createClient(`${suite.demo.origin}/bayeux`, { ack: false });
      const other = enterRoom(client, room);
      const board = createBoard(other);
      try {
        await other.synced;
        board.remove(board.shapes().map((shape) => shape.id));
        // [DEMO-27] and the notes get a line worth keeping.
        const line = new Y.XmlElement('paragraph');
        line.insert(0, [new Y.XmlText('Later: dates')]);
        other.doc.getXmlFragment('notes').push([line]);
        await other.flush();
      } finally {
        board.destroy();
        other.leave();
        await client.disconnect();
      }
      await expect.poll(() => shapes(ada.page), { timeout: 10_000 }).toBe(0);

      await panel.getByRole('list', { name: 'Versions' }).getByRole('button', { name: /Two strokes \(Ada\)$/ }).click();
      // [DEMO-27] The board alone: the notes keep the line written since.
      await panel.getByRole('button', { name: 'Restore the board only' }).click();
      await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^Restored the board of the version of Today/);
      await expect.poll(() => shapes(bob.page), { timeout: 10_000 }).toBe(2);
      expect(await shapes(ada.page)).toBe(2);
      // The emptied board was kept too, as the newest version, saved by Ada.
      expect(await panel.getByRole('list', { name: 'Versions' }).getByRole('button').first().textContent()).toMatch(/Saved by Ada$/);

      // The focus stayed on the button pressed, so Escape closes the panel and gives it back to
      // History; Ctrl+Z on the board undoes the restore for both.
      await ada.page.keyboard.press('Escape');
      await expect.poll(() => panel.count()).toBe(0);
      expect(await history.evaluate((el) => el === document.activeElement)).toBe(true);
      await ada.page.getByRole('application', { name: 'Whiteboard' }).focus();
      await ada.page.keyboard.press('Control+z');
      await expect.poll(() => shapes(bob.page), { timeout: 10_000 }).toBe(0);
      await bob.page.getByRole('tab', { name: 'Notes' }).click();
      await expect.poll(() => bob.page.locator('.notes .ProseMirror').textContent(), { timeout: 10_000 }).toBe('Agenda: budgetLater: dates');

      // A viewer sees the versions and their pictures, with nothing to save or restore.
      const vic = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?view=1&name=Vic`);
      try {
        await vic.page.getByRole('button', { name: 'History' }).click();
        const seen = vic.page.getByRole('region', { name: 'Version history' });
        await expect.poll(() => seen.getByRole('list', { name: 'Versions' }).getByRole('button').count(), { timeout: 10_000 }).toBe(2);
        await seen.getByRole('list', { name: 'Versions' }).getByRole('button').last().click();
        await expect.poll(() => seen.getByRole('img').getAttribute('alt'), { timeout: 10_000 }).toMatch(/: 2 shapes$/);
        expect(await seen.getByRole('button', { name: /Save version|Restore this version/ }).count()).toBe(0);
      } finally {
        await vic.context.close();
      }
    } finally {
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
  }, 90_000);

  it('[DEMO-14] on a phone 390 px wide the room fits the screen: nothing scrolls sideways', async () => {
    const phone = await visit(suite.browser, `${suite.demo.origin}/rooms/phone-${Date.now().toString(36)}?name=Dan`, { width: 390, height: 844 });
    try {
      await expect.poll(() => status(phone.page), { timeout: 20_000 }).toBe('Connected · websocket');
      await expect.poll(() => names(phone.page), { timeout: 10_000 }).toEqual(['Dan (you)']);
      // What sticks out past the right edge: board and chat used to, by 11 px (the chat's composer and
      // "Here now" held the stacked column wider than the screen).
      // (What a box that scrolls sideways inside the screen holds does not count: the board's toolbar is one.)
      const outside = await phone.page.evaluate(() => {
        const inScroller = (e: Element): boolean => {
          for (let a = e.parentElement; a; a = a.parentElement) {
            const overflow = getComputedStyle(a).overflowX;
            if (overflow === 'auto' || overflow === 'scroll') return a.getBoundingClientRect().right <= innerWidth + 0.5;
          }
          return false;
        };
        return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && !inScroller(e)).map((e) => `${e.tagName}.${e.className}`);
      });
      expect(outside).toEqual([]);
      // [BOARD-16] The board's toolbar is one row there, not four.
      expect((await phone.page.getByRole('toolbar', { name: 'Whiteboard tools' }).boundingBox())!.height).toBeLessThan(50);
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    } finally {
      await phone.context.close();
    }
  }, 60_000);

  it('[DEMO-10][DEMO-3][DEMO-12][DEMO-20] after a server restart both pages reconnect by themselves and the board is still there; a stroke drawn while it was down says Not saved, makes leaving ask, and is saved after; the other page stays Saved throughout', async () => {
    const room = `restart-${Date.now().toString(36)}`;
    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    try {
      await expect.poll(() => names(bob.page), { timeout: 20_000 }).toEqual(['Bob (you)', 'Ada']);
      await drawStroke(ada.page, 0);
      await expect.poll(() => shapes(bob.page), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => saveState(ada.page), { timeout: 10_000 }).toBe('Saved');
      // Every text Bob's badge shows from now on: with nothing unsaved it never reads "Saving…".
      await bob.page.evaluate(() => {
        const badge = document.querySelector('.save-state');
        const seen: (string | null)[] = [];
        Object.assign(window, { seenSaveStates: seen });
        if (badge) new MutationObserver(() => seen.push(badge.textContent)).observe(badge, { childList: true, characterData: true, subtree: true });
      });
      // [DEMO-20] And every text of the connection banner, in order, from now on.
      await bob.page.evaluate(() => {
        const seen: string[] = [];
        Object.assign(window, { seenBanners: seen });
        new MutationObserver(() => {
          const text = document.querySelector('.connection-banner')?.textContent ?? '';
          if (text !== (seen.at(-1) ?? '')) seen.push(text);
        }).observe(document.body, { childList: true, characterData: true, subtree: true });
      });
      expect(await banner(bob.page)).toBeNull();

      const stopped = suite.demo.stop();
      for (const { page } of [ada, bob]) await expect.poll(() => status(page), { timeout: 15_000 }).toMatch(/^(Reconnecting|Connecting)/);
      await stopped;
      // Nothing unsaved yet: leaving would lose nothing, and the page says so.
      expect(await saveState(ada.page)).toBe('Saved');
      await drawStroke(ada.page, 300);
      await expect.poll(() => saveState(ada.page), { timeout: 10_000 }).toBe('Not saved: offline');
      // Closing the tab now asks first ("Leave site?"); staying keeps the page and its stroke.
      const asked = new Promise<string>((resolve) => ada.page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))));
      await ada.page.close({ runBeforeUnload: true });
      expect(await asked).toBe('beforeunload');
      expect(ada.page.isClosed()).toBe(false);
      // [DEMO-20] Down for 5 s: the page says so in words, not only with the badge.
      await expect.poll(() => banner(bob.page), { timeout: 15_000 }).toMatch(/^Connection lost\. Keep working/);
      await suite.restart();

      for (const { page } of [ada, bob]) await expect.poll(() => status(page), { timeout: 40_000 }).toBe('Connected · websocket');
      await expect.poll(() => names(ada.page), { timeout: 15_000 }).toEqual(['Ada (you)', 'Bob']);
      // The stroke drawn while the server was down reaches the store and the other page.
      await expect.poll(() => saveState(ada.page), { timeout: 15_000 }).toBe('Saved');
      await expect.poll(() => shapes(bob.page), { timeout: 15_000 }).toBe(2);
      expect(await shapes(ada.page)).toBe(2);
      // [DEMO-12] Bob had nothing unsaved: his badge said Saved through the outage and the re-sync.
      expect(await bob.page.evaluate(() => (window as unknown as { seenSaveStates: unknown[] }).seenSaveStates)).not.toContain('Saving…');
      expect(await saveState(bob.page)).toBe('Saved');
      // [DEMO-20] Back: "Back online." for a few seconds, then no banner.
      await expect.poll(() => banner(bob.page), { timeout: 15_000 }).toBeNull();
      const banners = await bob.page.evaluate(() => (window as unknown as { seenBanners: string[] }).seenBanners);
      expect(banners.map((t) => t.split('.')[0])).toEqual(['Connection lost', 'Back online', '']);
      // Still one board: a stroke drawn now reaches the other page through the new process…
      await drawStroke(bob.page, 150);
      await expect.poll(() => shapes(ada.page), { timeout: 10_000 }).toBe(3);
      // …and a newcomer gets the board from the server's store, not from a page's memory.
      const carol = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Carol`);
      await expect.poll(() => shapes(carol.page), { timeout: 15_000 }).toBe(3);
      await carol.context.close();
    } finally {
      await Promise.all([ada.context.close(), bob.context.close()]);
    }
  }, 120_000);
});
