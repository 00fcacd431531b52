/** Every browser transport in real Chromium against the Kuiper server. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from './helpers/browser.js';

type KuiperModule = typeof import('../src/index.js');
declare const window: { kuiper: KuiperModule };

describe('in Chromium', () => {
  let harness: BrowserHarness;
  beforeAll(async () => {
    harness = await startBrowserHarness();
  });
  afterAll(() => harness?.close());

  for (const transport of ['websocket', 'long-polling', 'callback-polling', 'eventsource', 'multipart-mime', 'forever-frame']) {
    it(`[CLI-9] [CLI-10] [CLI-11] [CLI-27] ${transport}: subscribe, publish, receive in order, unsubscribe, call`, async () => {
      const page = await harness.newPage();
      const result = await page.evaluate(
        async ({ url, transport }) => {
          const { createClient } = window.kuiper;
          const client = createClient(url, { transports: [transport] });
          const got: number[] = [];
          let resolveAll!: () => void;
          const all = new Promise<void>((r) => (resolveAll = r));
          const sub = client.subscribe<number>('/b/*', (n) => {
            got.push(n);
            if (got.length === 10) resolveAll();
          });
          await sub.ready;
          for (let n = 0; n < 10; n++) await client.publish('/b/x', n);
          await all;
          sub.unsubscribe();
          const marker: unknown[] = [];
          await client.subscribe('/marker', (d) => marker.push(d)).ready;
          await client.publish('/b/x', 99);
          await client.publish('/marker', 'm');
          while (marker.length === 0) await new Promise((r) => setTimeout(r, 10));
          const echoed = await client.call('/service/echo', { hi: transport });
          const used = client.transport;
          await client.disconnect();
          return { got, used, echoed };
        },
        { url: `${harness.origin}/bayeux`, transport },
      );
      expect(result.used).toBe(transport);
      expect(result.got).toEqual([...Array(10).keys()]);
      expect(result.echoed).toEqual({ hi: transport });
      await page.close();
    });
  }

  it('[CLI-12] the default order picks websocket in the browser', async () => {
    const page = await harness.newPage();
    const used = await page.evaluate(async (url) => {
      const client = window.kuiper.createClient(url);
      await client.whenConnected();
      const t = client.transport;
      await client.disconnect();
      return t;
    }, `${harness.origin}/bayeux`);
    expect(used).toBe('websocket');
    await page.close();
  });

  it('[CLI-29] [CLI-36] eight tabs on long-polling share one connection and all keep receiving, also after the leader closes', async () => {
    const context = await harness.newContext();
    const url = `${harness.origin}/bayeux`;
    const tabs: Page[] = [];
    for (let i = 0; i < 8; i++) {
      const page = await harness.openTab(context);
      await page.evaluate(async (u) => {
        const w = window as unknown as { kuiper: KuiperModule; got: unknown[]; client: ReturnType<KuiperModule['createClient']> };
        w.got = [];
        w.client = w.kuiper.createSharedClient(u, { transports: ['long-polling'] });
        await w.client.subscribe('/tabs', (d) => w.got.push(d)).ready;
        await w.client.whenConnected();
      }, url);
      tabs.push(page);
    }
    const read = (page: (typeof tabs)[number]) =>
      page.evaluate(() => {
        const w = window as unknown as { got: unknown[]; client: { clientId?: string; transport?: string } };
        return { got: w.got, clientId: w.client.clientId, transport: w.client.transport };
      });
    const waitAll = (pages: typeof tabs, value: string) =>
      vi.waitFor(
        async () => {
          const states = await Promise.all(pages.map(read));
          expect(states.map((st) => st.got.includes(value))).toEqual(pages.map(() => true));
          return states;
        },
        { timeout: 10_000, interval: 50 },
      );

    for (let n = 0; n < 3; n++) await harness.kuiper.publish('/tabs', `m${n}`);
    const states = await waitAll(tabs, 'm2');
    expect(new Set(states.map((s) => s.clientId)).size).toBe(1); // one Bayeux session for eight tabs
    expect(states.every((s) => s.transport === 'long-polling')).toBe(true);
    expect(states.every((s) => JSON.stringify(s.got) === JSON.stringify(['m0', 'm1', 'm2']))).toBe(true);

    // A follower publishes; everyone receives it.
    await tabs[5]?.evaluate(() => (window as unknown as { client: { publish(c: string, d: unknown): Promise<void> } }).client.publish('/tabs', 'from tab 5'));
    await waitAll(tabs, 'from tab 5');

    // The leader (the first tab) closes: another tab takes over and the rest keep receiving.
    await tabs[0]?.close();
    const rest = tabs.slice(1);
    const after = await vi.waitFor(
      async () => {
        await harness.kuiper.publish('/tabs', 'after');
        const states = await Promise.all(rest.map(read));
        expect(states.map((st) => st.got.includes('after'))).toEqual(rest.map(() => true));
        return states;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(new Set(after.map((st) => st.clientId)).size).toBe(1);
    expect(after[0]?.clientId).toBe(states[0]?.clientId); // the new leader continued the session (CLI-36)
    await context.close();
  }, 90_000);
});
