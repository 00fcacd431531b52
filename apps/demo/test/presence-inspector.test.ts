/**
 * Two visitors in a room and the inspector, on the built demo in real Chromium: who is here, the
 * inspector's live sessions and channels, and what happens when tabs close without a goodbye.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { visit } from './helpers/browser.js';
import { names, status } from './helpers/page.js';
import { demoSuite } from './helpers/suite.js';

const MAX_INTERVAL = 3000;
const suite = demoSuite({ env: { KUIPER_MAX_INTERVAL: String(MAX_INTERVAL) } });

const clientIdOf = async (page: Page): Promise<string> => ((await page.getByRole('status').getAttribute('title')) ?? '').replace('session ', '');

describe('a room with two visitors and the inspector', () => {
  it('[DEMO-1][DEMO-3][DEMO-5][DEMO-6] shows who is here, and the inspector shows each session live; closed tabs are pruned, then their empty channels go', async () => {
    const room = `presence-${Date.now().toString(36)}`;
    const inspector = await visit(suite.browser, `${suite.demo.origin}/inspector`);
    await expect.poll(() => status(inspector.page), { timeout: 15_000 }).toBe('Connected · websocket');

    const ada = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(suite.browser, `${suite.demo.origin}/rooms/${room}?name=Bob`);
    for (const { page } of [ada, bob]) {
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Connected · websocket');
    }
    await expect.poll(() => names(ada.page), { timeout: 10_000 }).toEqual(['Ada (you)', 'Bob']);
    await expect.poll(() => names(bob.page), { timeout: 10_000 }).toEqual(['Bob (you)', 'Ada']);
    const [adaId, bobId] = [await clientIdOf(ada.page), await clientIdOf(bob.page)];
    expect(adaId).not.toBe('');

    // Without a reload: the inspector lists both sessions with transport and the room's channels.
    const sessions = inspector.page.getByRole('table', { name: /Sessions/ });
    const channels = inspector.page.getByRole('table', { name: /Channels/ });
    await expect.poll(() => sessions.getByRole('row').filter({ hasText: bobId }).textContent(), { timeout: 10_000 }).toMatch(
      new RegExp(`${bobId}Bobwebsocket.*/rooms/${room}/doc`),
    );
    await expect.poll(() => channels.getByRole('row').filter({ hasText: `/rooms/${room}/doc` }).textContent(), { timeout: 10_000 }).toBe(`/rooms/${room}/doc2`);

    // Bob's tab goes away without a disconnect message: pruned after maxInterval.
    const closedAt = Date.now();
    await bob.context.close();
    const within = MAX_INTERVAL + 2000;
    await expect.poll(() => names(ada.page), { timeout: within }).toEqual(['Ada (you)']);
    const timeline = inspector.page.getByRole('list', { name: 'Timeline' });
    await expect.poll(() => timeline.textContent(), { timeout: within - (Date.now() - closedAt) }).toContain(`session removed ${bobId} (pruned)`);
    await expect.poll(() => sessions.textContent(), { timeout: 5_000 }).not.toContain(bobId);

    // Ada's too: then nobody is in the room and its channels are swept.
    const adaClosedAt = Date.now();
    await ada.context.close();
    await expect.poll(() => timeline.textContent(), { timeout: within }).toContain(`session removed ${adaId} (pruned)`);
    for (const channel of ['doc', 'presence']) {
      await expect.poll(() => timeline.textContent(), { timeout: within - (Date.now() - adaClosedAt) }).toContain(`channel removed /rooms/${room}/${channel}`);
    }
    // The room's other channels (chat, the server's own listeners) go once the room is unloaded: after
    // its last snapshot is stored and the next sweep, which under a loaded CI took past the 5 s above.
    await expect.poll(() => channels.textContent(), { timeout: 15_000 }).not.toContain(`/rooms/${room}/`);
    await inspector.context.close();
  }, 120_000);
});
