/**
 * With REDIS_URL, two demo processes on two ports share the rooms: sessions in the Redis engine,
 * documents and chat in the Redis store. A visitor on each process sees the other, their strokes
 * and their messages.
 */
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { onCleanup } from '@kuiper/testkit';
import { launchChromium, visit } from './helpers/browser.js';
import { buildDemo, removeDataDir, startDemo } from './helpers/demo.js';
import { chatLog, drawStroke, names, sendChat, shapes } from './helpers/page.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix`, so the test leaves Redis as it found it. */
async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for (let cursor = '0', first = true; first || cursor !== '0'; first = false) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

describe('two processes on Redis', () => {
  it('[DEMO-2] share a room: each visitor sees the other, the stroke and the message', async () => {
    const prefix = `kuiper-demo-test-${Date.now().toString(36)}:`;
    await buildDemo();
    onCleanup(() => dropPrefix(REDIS_URL, prefix));
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    const [one, two] = await Promise.all([startDemo({ env }), startDemo({ env })]);
    for (const demo of [one, two]) onCleanup(async () => (await demo.stop(), removeDataDir(demo.dataDir)));
    expect(one.port).not.toBe(two.port);
    const browser = await launchChromium();
    onCleanup(() => browser.close());

    const room = `shared-${Date.now().toString(36)}`;
    const ada = await visit(browser, `${one.origin}/rooms/${room}?name=Ada`);
    const bob = await visit(browser, `${two.origin}/rooms/${room}?name=Bob`);
    await expect.poll(() => names(ada.page), { timeout: 30_000 }).toEqual(['Ada (you)', 'Bob']);
    await expect.poll(() => names(bob.page), { timeout: 10_000 }).toEqual(['Bob (you)', 'Ada']);

    await drawStroke(ada.page);
    await expect.poll(() => shapes(bob.page), { timeout: 15_000 }).toBe(1);

    await sendChat(bob.page, 'across processes');
    await expect.poll(() => chatLog(ada.page).textContent(), { timeout: 15_000 }).toContain('across processes');
  }, 600_000);
});
