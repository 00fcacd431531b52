/** The Kuiper client against the Kuiper server, every transport Node can run. */
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, type StatusEvent } from '../src/index.js';
import { type KuiperOptions, newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { startProxy } from './helpers/tcp-proxy.js';

/** A server with the echo and failing services these tests call. */
async function startEcho(options: Partial<KuiperOptions> = {}, port = 0) {
  const k = await startKuiper({ timeout: 5_000, ...options }, { port });
  k.server.addService('/service/echo', async (data) => data);
  k.server.addService('/service/fail', async () => {
    throw new Error('nope');
  });
  return k;
}

for (const transport of ['websocket', 'long-polling', 'eventsource', 'multipart-mime'] as const) {
  describe(`kuiper server over ${transport}`, () => {
    async function setup() {
      const k = await startEcho();
      const client = newClient(k.url, { transports: [transport] });
      await client.whenConnected();
      expect(client.transport).toBe(transport);
      return { ...k, client };
    }

    it('[CLI-2] [CLI-3] [CLI-4] subscribe, publish, receive in order, unsubscribe', async () => {
      const { client } = await setup();
      const got: number[] = [];
      const sub = client.subscribe<number>('/chat/**', (n) => got.push(n));
      await sub.ready;
      for (let n = 0; n < 25; n++) await client.publish('/chat/room/1', n);
      await vi.waitFor(() => expect(got).toEqual([...Array(25).keys()]));
      sub.unsubscribe();
      const marker: unknown[] = [];
      await client.subscribe('/marker', (d) => marker.push(d)).ready;
      await client.publish('/chat/room/1', 99);
      await client.publish('/marker', 'm');
      await vi.waitFor(() => expect(marker).toEqual(['m']));
      expect(got).not.toContain(99);
    });

    it('[CLI-5] call returns the service answer; a failing service rejects', async () => {
      const { client } = await setup();
      await expect(client.call('/service/echo', { hello: 'world' })).resolves.toEqual({ hello: 'world' });
      const many = await Promise.all([1, 2, 3].map((n) => client.call('/service/echo', n)));
      expect(many).toEqual([1, 2, 3]);
      await expect(client.call('/service/fail', 1)).rejects.toMatchObject({ code: 'bayeux' });
      await expect(client.call('/chat/x', 1)).rejects.toMatchObject({ code: 'invalid_channel' });
    });

    it('[CLI-2] messages published by the server reach subscribers', async () => {
      const { client, server } = await setup();
      const got: unknown[] = [];
      await client.subscribe('/news/*', (d) => got.push(d)).ready;
      await server.publish('/news/today', { headline: 'x' });
      await vi.waitFor(() => expect(got).toEqual([{ headline: 'x' }]));
    });
  });
}

describe('kuiper server: streaming transports', () => {
  for (const transport of ['eventsource', 'multipart-mime'] as const) {
    it(`[CLI-27] ${transport}: one held stream carries many deliveries`, async () => {
      const k = await startEcho();
      const streams: string[] = [];
      const countingFetch = (input: string, init: RequestInit) => {
        if (init.method === 'GET') streams.push(input);
        return fetch(input, init);
      };
      // Acks would end each stream with its batch (CLI-32): streaming proper is the ack-less mode.
      const client = newClient(k.url, { transports: [transport], fetch: countingFetch, ack: false });
      const got: unknown[] = [];
      await client.subscribe('/s', (d) => got.push(d)).ready;
      const opened = streams.length;
      for (let i = 0; i < 10; i++) {
        await k.server.publish('/s', i);
        await vi.waitFor(() => expect(got).toHaveLength(i + 1));
      }
      expect(got).toEqual([...Array(10).keys()]);
      // At most the stream that was open when subscribing ends and one more opens.
      expect(streams.length - opened).toBeLessThanOrEqual(1);
      expect(streams.every((u) => u.includes(`transport=${transport}`))).toBe(true);
    });
  }
});

describe('kuiper server: negotiation and failures', () => {
  it('[CLI-12] the default preference ends on websocket', async () => {
    const k = await startEcho();
    const client = newClient(k.url);
    await client.whenConnected();
    expect(client.transport).toBe('websocket');
  });

  it('[CLI-12] a server that disables websocket is met on long-polling', async () => {
    const k = await startEcho({ transports: ['long-polling'] });
    const client = newClient(k.url);
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    await expect(client.call('/service/echo', 'ok')).resolves.toBe('ok');
  });

  it('[CLI-13] a proxy refusing upgrades ends on long-polling and delivers', async () => {
    const k = await startEcho();
    const proxy = await startProxy(k, { refuseUpgrades: true });
    onCleanup(() => proxy.close());
    const client = newClient(proxy.url);
    const got: unknown[] = [];
    client.subscribe('/p', (d) => got.push(d));
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    await client.publish('/p', 'through');
    await vi.waitFor(() => expect(got).toEqual(['through']));
  });

  it('[CLI-30] after a fallback the client tries the preferred transport again and upgrades, same session', async () => {
    const k = await startEcho({ timeout: 1_000 });
    const proxyOptions = { refuseUpgrades: true };
    const proxy = await startProxy(k, proxyOptions);
    onCleanup(() => proxy.close());
    const client = newClient(proxy.url, { upgradeInterval: 300 });
    const got: unknown[] = [];
    await client.subscribe('/up', (d) => got.push(d)).ready;
    expect(client.transport).toBe('long-polling');
    const session = client.clientId;
    // Still refused: the retry fails and the client stays on long-polling, connected.
    await vi.waitFor(() => expect(proxy.refusedUpgrades).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    await vi.waitFor(() => expect(client.status).toBe('connected'));
    expect(client.transport).toBe('long-polling');
    proxyOptions.refuseUpgrades = false;
    await vi.waitFor(() => expect(client.transport).toBe('websocket'), { timeout: 5_000 });
    await vi.waitFor(() => expect(client.status).toBe('connected'));
    expect(client.clientId).toBe(session);
    await k.server.publish('/up', 'over websocket');
    await vi.waitFor(() => expect(got).toEqual(['over websocket']));
  });

  it('[CLI-30] [CLI-18] a WebSocket refused while the server was coming back is tried again as soon as the fallback connects, not an upgradeInterval later', async () => {
    let k = await startEcho({ timeout: 1_000 });
    const proxy = await startProxy(k, {});
    onCleanup(() => proxy.close());
    const events: StatusEvent[] = [];
    const backoff = { base: 40, max: 400, random: () => 0.75 };
    const client = newClient(proxy.url, { backoff, onStatus: (e) => events.push(e) }); // upgradeInterval: the default 60 s
    const got: unknown[] = [];
    await client.subscribe('/back', (d) => got.push(d)).ready;
    expect(client.transport).toBe('websocket');
    await k.server.close();
    // Down long enough for every transport to fail (a round, CLI-18) and a retry to be scheduled.
    await vi.waitFor(() => expect(events.filter((e) => e.retry).length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    // Back, but its first WebSocket is refused, as happens while a server is coming up.
    proxy.refuseNextUpgrades = 1;
    k = await startEcho({ timeout: 1_000 }, k.port);
    await vi.waitFor(() => expect(events.some((e) => e.status === 'connected' && e.transport !== 'websocket')).toBe(true), { timeout: 10_000 });
    expect(proxy.refusedUpgrades).toBe(1);
    await vi.waitFor(() => expect([client.status, client.transport]).toEqual(['connected', 'websocket']), { timeout: 5_000 });
    await k.server.publish('/back', 'over websocket again');
    await vi.waitFor(() => expect(got).toEqual(['over websocket again']));
  });

  for (const transport of ['websocket', 'long-polling', 'eventsource', 'multipart-mime'] as const) {
    it(`[CLI-15] [CLI-16] restart on the same port over ${transport}: re-handshake, resubscribe, deliver`, async () => {
      let k = await startEcho();
      const backoff = { base: 40, max: 400, random: () => 0.75 };
      const events: StatusEvent[] = [];
      const client = newClient(k.url, { transports: [transport], backoff, onStatus: (e) => events.push(e) });
      const got: unknown[] = [];
      await client.subscribe('/r', (d) => got.push(d)).ready;
      const before = client.clientId;
      await k.server.close();
      await vi.waitFor(() => expect(events.filter((e) => e.retry).length).toBeGreaterThanOrEqual(2));
      // Publishes made while reconnecting wait and go once connected (CLI-19).
      const queued = client.publish('/r', 'queued');
      k = await startEcho({}, k.port);
      await vi.waitFor(() => expect(client.status).toBe('connected'), { timeout: 10_000 });
      expect(client.clientId).not.toBe(before);
      await queued;
      await k.server.publish('/r', 'fresh');
      await vi.waitFor(() => expect(got).toEqual(['queued', 'fresh']));
      const failures = events.flatMap((e) => (e.retry && !e.retry.reason.includes('::') ? [e.retry] : []));
      failures.forEach((r, i) => expect(r.delayMs).toBe(backoffDelay(i, backoff)));
    });
  }
});
