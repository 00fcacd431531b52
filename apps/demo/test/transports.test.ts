/**
 * Each of the six transports, forced through `?transport=` or the select, connects and carries
 * messages both ways: a watcher on WebSocket and a visitor on the forced transport see each other.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { visit } from './helpers/browser.js';
import { names, status } from './helpers/page.js';
import { demoSuite } from './helpers/suite.js';

const suite = demoSuite();


describe('forcing a transport', () => {
  const TRANSPORTS = ['websocket', 'eventsource', 'long-polling', 'callback-polling', 'forever-frame', 'multipart-mime'];

  it.each(TRANSPORTS)('[DEMO-4][DEMO-3] ?transport=%s connects over it and messages go both ways', async (transport) => {
    const room = `transport-${transport}-${Date.now().toString(36)}`;
    const watcher = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Watcher&transport=websocket`);
    const visitor = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Via-${transport}&transport=${transport}`);
    try {
      await expect.poll(() => status(visitor.page), { timeout: 15_000 }).toBe(`Connected · ${transport}`);
      await expect.poll(() => names(watcher.page), { timeout: 10_000 }).toEqual(['Watcher (you)', `Via-${transport}`]);
      await expect.poll(() => names(visitor.page), { timeout: 10_000 }).toEqual([`Via-${transport} (you)`, 'Watcher']);
    } finally {
      await Promise.all([watcher.context.close(), visitor.context.close()]);
    }
  }, 60_000);

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
