/**
 * [CLI-40] Large messages sent one after another over HTTP transports: sends waiting for the request
 * slot merge only while they stay small together. Seven 220 KiB publishes made at once used to leave
 * as one request, then the six others as one 1.3 MB request, which the server refuses with 413 (its
 * body limit is 1 MiB): all six failed, and a member's chunked document edit never got through.
 */
import { describe, expect, it, vi } from 'vitest';
import { newClient, startKuiper } from '@kuiper/testkit';

for (const transport of ['long-polling', 'eventsource', 'multipart-mime'] as const) {
  describe(`over ${transport}`, () => {
    it('[CLI-40] seven 220 KiB publishes made at once all succeed and all arrive, in order', async () => {
      const k = await startKuiper({ timeout: 5_000 });
      const receiver = newClient(k.wsUrl, { transports: ['websocket'] });
      const got: string[] = [];
      await receiver.subscribe<string>('/big', (text) => got.push(text.slice(0, 6))).ready;
      const sender = newClient(k.url, { transports: [transport] });
      await sender.whenConnected();
      expect(sender.transport).toBe(transport);

      const bodies = [...Array(7).keys()].map((i) => `part-${i}`.padEnd(6) + 'x'.repeat(220 * 1024));
      await Promise.all(bodies.map((body) => sender.publish('/big', body)));
      await vi.waitFor(() => expect(got).toEqual(bodies.map((b) => b.slice(0, 6))), { timeout: 10_000 });
    });
  });
}
