/**
 * Each of the six transports, forced through `?transport=` or the select, connects and carries
 * messages both ways: a watcher on WebSocket and a visitor on the forced transport see each other,
 * each other's pen strokes and each other's chat messages — the whole room, not only presence.
 * One server and one Chromium serve every transport; each gets a room of its own.
 */
import { describe, expect, it } from 'vitest';
import { visit } from './helpers/browser.js';
import { chatMessage, drawStroke, names, sendChat, shapes, status } from './helpers/page.js';
import { demoSuite } from './helpers/suite.js';

const suite = demoSuite();

describe('forcing a transport', () => {
  const TRANSPORTS = ['websocket', 'eventsource', 'long-polling', 'callback-polling', 'forever-frame', 'multipart-mime'];

  it.each(TRANSPORTS)('[DEMO-4][DEMO-3][DEMO-5][DEMO-8] ?transport=%s connects over it; presence, a pen stroke and a chat message go both ways', async (transport) => {
    const room = `transport-${transport}-${Date.now().toString(36)}`;
    const watcher = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Watcher&transport=websocket`);
    const visitor = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Via-${transport}&transport=${transport}`);
    try {
      await expect.poll(() => status(visitor.page), { timeout: 15_000 }).toBe(`Connected · ${transport}`);
      await expect.poll(() => names(watcher.page), { timeout: 10_000 }).toEqual(['Watcher (you)', `Via-${transport}`]);
      await expect.poll(() => names(visitor.page), { timeout: 10_000 }).toEqual([`Via-${transport} (you)`, 'Watcher']);

      // Forced page → watcher: a stroke drawn with the mouse, then a message sent with Enter.
      await drawStroke(visitor.page, 0);
      await expect.poll(() => shapes(watcher.page), { timeout: 15_000 }).toBe(1);
      await sendChat(visitor.page, `up over ${transport}`, 'enter');
      await expect.poll(() => chatMessage(watcher.page, `Via-${transport}`, `up over ${transport}`), { timeout: 15_000 }).toContain(`up over ${transport}`);

      // Watcher → forced page: what the forced transport has to deliver rather than send.
      await drawStroke(watcher.page, 150);
      await expect.poll(() => shapes(visitor.page), { timeout: 15_000 }).toBe(2);
      await sendChat(watcher.page, `down over ${transport}`, 'enter');
      await expect.poll(() => chatMessage(visitor.page, 'Watcher', `down over ${transport}`), { timeout: 15_000 }).toContain(`down over ${transport}`);

      // All of it went over the forced transport: the page never fell back to another one.
      expect(await status(visitor.page)).toBe(`Connected · ${transport}`);
      expect(await shapes(watcher.page)).toBe(2);
    } finally {
      await Promise.all([watcher.context.close(), visitor.context.close()]);
    }
  }, 90_000);

  it('[DEMO-4] the Transport select switches the page to the chosen transport', async () => {
    const room = `select-${Date.now().toString(36)}`;
    const { context, page } = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    try {
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Connected · websocket');
      await page.getByLabel('Transport').selectOption('eventsource');
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Connected · eventsource');
      expect(new URL(page.url()).searchParams.get('transport')).toBe('eventsource');
      await page.getByLabel('Transport').selectOption('long-polling');
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Connected · long-polling');
      await expect.poll(() => names(page), { timeout: 10_000 }).toEqual(['Ada (you)']);
    } finally {
      await context.close();
    }
  }, 60_000);
});
