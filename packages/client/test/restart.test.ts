/** The server restarted on the same port: the client re-handshakes, resubscribes and delivers. */
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, createClient, type StatusEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { startFaye, type FayeServer } from './helpers/faye-server.js';

for (const transport of ['long-polling', 'websocket'] as const) {
  describe(`server restart over ${transport}`, () => {
    it('[CLI-15] [CLI-16] [CLI-18] re-handshakes, resubscribes every channel and delivers again; delays follow backoffDelay', async () => {
      let faye: FayeServer = await startFaye();
      onCleanup(() => faye.close());
      const port = faye.port;
      const backoff = { base: 40, max: 400, random: () => 0.5 };
      const events: StatusEvent[] = [];
      const client = createClient(faye.url, { transports: [transport], backoff, onStatus: (e) => events.push(e) });
      onCleanup(() => client.disconnect());

      const a: unknown[] = [];
      const b: unknown[] = [];
      await client.subscribe('/a', (d) => a.push(d)).ready;
      await client.subscribe('/b/*', (d) => b.push(d)).ready;
      const firstClientId = client.clientId;

      await faye.close();
      await vi.waitFor(() => expect(client.status).toBe('reconnecting'));
      // Let a few retries fail against the closed port before the server comes back.
      await vi.waitFor(() => expect(events.filter((e) => e.retry).length).toBeGreaterThanOrEqual(3));
      faye = await startFaye({ port });

      await vi.waitFor(() => expect(client.status).toBe('connected'), { timeout: 10_000 });
      expect(client.clientId).not.toBe(firstClientId);
      expect(client.transport).toBe(transport);
      await vi.waitFor(() => expect(faye.received.filter((m) => m.channel === '/meta/subscribe')).toHaveLength(2));

      await faye.publish('/a', 'again');
      await faye.publish('/b/c', 'again');
      await vi.waitFor(() => expect([a, b]).toEqual([['again'], ['again']]));

      // Every announced failure retry waited exactly backoffDelay(attempt) (advice.interval is 0).
      const retries = events.flatMap((e) => (e.retry ? [e.retry] : []));
      const failures = retries.filter((r) => !r.reason.includes('::'));
      expect(failures.length).toBeGreaterThanOrEqual(3);
      failures.forEach((r, i) => {
        expect(r.attempt).toBe(i);
        expect(r.delayMs).toBe(backoffDelay(i, backoff));
      });
    });
  });
}
