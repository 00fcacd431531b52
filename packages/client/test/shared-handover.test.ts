/**
 * [CLI-36] A tab-leader hand-over in real Chromium: eight tabs share one connection, the server
 * streams numbered messages, the leader tab is closed mid-stream, and every remaining tab receives
 * every number exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from './helpers/browser.js';

type KuiperModule = typeof import('../src/index.js');
interface TabWindow {
  kuiper: KuiperModule;
  got: number[];
  sessions: { clientId: string; resumed: boolean }[];
  client: ReturnType<KuiperModule['createSharedClient']>;
}

const TOTAL = 400;

describe('tab hand-over in Chromium', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(() => harness?.close());

  for (const transport of ['long-polling', 'websocket']) {
    it(`[CLI-36] ${transport}: the leader tab closes mid-stream; seven tabs get all ${TOTAL} numbers once, in order`, async () => {
      const context = await harness.newContext();
      const tabs: Page[] = [];
      for (let i = 0; i < 8; i++) {
        const page = await harness.openTab(context);
        await page.evaluate(
          async ({ url, transport }) => {
            const w = window as unknown as TabWindow;
            w.got = [];
            w.sessions = [];
            w.client = w.kuiper.createSharedClient(url, { transports: [transport] });
            w.client.onSession((e) => w.sessions.push(e));
            await w.client.subscribe<number>('/stream', (n) => w.got.push(n)).ready;
            await w.client.whenConnected();
          },
          { url: `${harness.origin}/bayeux`, transport },
        );
        tabs.push(page); // the first tab, alone when it asked for the lock, leads
      }
      const read = (page: Page) =>
        page.evaluate(() => {
          const w = window as unknown as TabWindow;
          return { got: w.got, sessions: w.sessions, clientId: w.client.clientId };
        });
      const before = await read(tabs[1] as Page);

      let sent = 0;
      const publisher = (async () => {
        while (sent < TOTAL) {
          await harness.kuiper.publish('/stream', sent++);
          await new Promise((r) => setTimeout(r, 2)); // a steady stream, not one burst
        }
      })();
      const rest = tabs.slice(1);
      await vi.waitFor(async () => expect((await read(rest[0] as Page)).got.length).toBeGreaterThan(TOTAL / 4), { timeout: 10_000, interval: 20 });
      await tabs[0]?.close(); // the leader, mid-stream
      await publisher;

      const expected = [...Array(TOTAL).keys()];
      const states = await vi.waitFor(
        async () => {
          const states = await Promise.all(rest.map(read));
          for (const state of states) expect(state.got.length).toBeGreaterThanOrEqual(TOTAL);
          return states;
        },
        { timeout: 20_000, interval: 100 },
      );
      for (const state of states) expect(state.got).toEqual(expected);
      // The new leader continued the old leader's server session.
      expect(states.every((s) => s.clientId === before.clientId)).toBe(true);
      expect(states.every((s) => s.sessions.at(-1)?.resumed === true)).toBe(true);
      await context.close();
    }, 90_000);
  }
});
