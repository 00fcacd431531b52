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

for (const transport of ['long-polling', 'websocket'] as const) {
  describe(`a reconnect over ${transport}`, () => {
    it('[CLI-40] [CLI-39] seven 220 KiB publishes queued while the server was down all succeed once it is back, and all arrive', async () => {
      let k = await startKuiper({ timeout: 5_000 });
      const { port } = k;
      const sender = newClient(k.url, { transports: [transport], backoff: { base: 50, max: 200 } });
      await sender.whenConnected();
      await k.server.close();
      await vi.waitFor(() => expect(sender.status).toBe('reconnecting'));
      const bodies = [...Array(7).keys()].map((i) => `part-${i}`.padEnd(6) + 'y'.repeat(220 * 1024));
      const published = Promise.all(bodies.map((body) => sender.publish('/queued', body)));

      k = await startKuiper({ timeout: 5_000 }, { port });
      const got: string[] = [];
      k.server.subscribe('/queued', (message) => got.push(String(message.data).slice(0, 6)));
      await published; // behind the new handshake (CLI-39), in sends the server takes
      await vi.waitFor(() => expect(got).toEqual(bodies.map((b) => b.slice(0, 6))), { timeout: 10_000 });
    });
  });
}
