/** [CLI-13] A proxy that refuses WebSocket upgrades: the client ends on long-polling and delivers. */
import { describe, expect, it, vi } from 'vitest';
import type { StatusEvent } from '../src/index.js';
import { newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { startFaye } from './helpers/faye-server.js';
import { startProxy } from './helpers/tcp-proxy.js';

describe('transport fallback', () => {
  it('[CLI-13] a proxy refusing WebSocket upgrades leaves the client on long-polling, delivering', async () => {
    const faye = await startFaye();
    onCleanup(() => faye.close());
    const proxy = await startProxy(faye, { refuseUpgrades: true });
    onCleanup(() => proxy.close());
    const events: StatusEvent[] = [];
    const client = newClient(proxy.url, { onStatus: (e) => events.push(e) });

    // Subscribe and publish before anything is connected: nothing may be lost in the fallback.
    const got: unknown[] = [];
    const sub = client.subscribe('/room', (d) => got.push(d));
    const published = client.publish('/room', 'first');

    const started = Date.now();
    await client.whenConnected();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(client.transport).toBe('long-polling');
    expect(proxy.refusedUpgrades).toBeGreaterThanOrEqual(1);
    expect(events.map((e) => e.transport)).toContain('websocket');

    await sub.ready;
    await published;
    await client.publish('/room', 'second');
    await vi.waitFor(() => expect(got).toEqual(['first', 'second']));
    expect(client.transport).toBe('long-polling');
  });

  it('[CLI-13] a WebSocket that never opens falls back within openTimeout', async () => {
    const faye = await startFaye();
    onCleanup(() => faye.close());
    // A WebSocket stand-in that hangs in CONNECTING, like a proxy that swallows the upgrade.
    class HangingSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onerror = null;
      onclose = null;
      send() {}
      close() {}
    }
    const client = newClient(faye.url, { WebSocket: HangingSocket, openTimeout: 300 });
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    const got: unknown[] = [];
    await client.subscribe('/x', (d) => got.push(d)).ready;
    await client.publish('/x', 1);
    await vi.waitFor(() => expect(got).toEqual([1]));
  });

  it('[CLI-13] a websocket that fails after the handshake falls back keeping the session', async () => {
    const faye = await startFaye();
    onCleanup(() => faye.close());
    // Handshake over long-polling works; then every socket is refused by the proxy: same clientId.
    const proxy = await startProxy(faye, { refuseUpgrades: true });
    onCleanup(() => proxy.close());
    const client = newClient(proxy.url, { transports: ['long-polling', 'websocket'] });
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    expect(faye.received.filter((m) => m.channel === '/meta/handshake')).toHaveLength(1);
  });

  for (const transport of ['eventsource', 'multipart-mime'] as const) {
    it(`[CLI-28] a proxy that buffers ${transport} streams makes the client fall back to long-polling`, async () => {
      const { server, port } = await startKuiper({ timeout: 5_000 });
      const proxy = await startProxy({ port }, { bufferStreams: true });
      onCleanup(() => proxy.close());
      const events: StatusEvent[] = [];
      const client = newClient(proxy.url, { transports: [transport, 'long-polling'], openTimeout: 1_000, onStatus: (e) => events.push(e) });
      const got: unknown[] = [];
      const sub = client.subscribe('/buffered', (d) => got.push(d));
      const started = Date.now();
      await vi.waitFor(() => expect(client.transport).toBe('long-polling'), { timeout: 8_000 });
      await vi.waitFor(() => expect(client.status).toBe('connected'));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(events.map((e) => e.transport)).toContain(transport);
      await sub.ready;
      await server.publish('/buffered', 'arrives');
      await vi.waitFor(() => expect(got).toEqual(['arrives']));
      expect(client.transport).toBe('long-polling');
    });
  }
});
