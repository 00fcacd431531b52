// Real clients across connect timeouts and a server restart: they must follow the server's advice
// (retry, then handshake after 402::session_unknown) and receive messages again.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { cleanup, eventually, startKuiper, type WireMessage } from '@kuiper/testkit';
import { connectedCometD, createCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';

const transports = ['long-polling', 'websocket'] as const;

describe.each<CometdTransport & FayeTransport>(transports)('over %s', (transport) => {
  it('cometd keeps cycling held connects at advice.timeout and still receives', async () => {
    const { url, server: kuiper } = await startKuiper({ timeout: 300 });
    const client = await connectedCometD(cleanup, url, transport);
    const connects: Message[] = [];
    client.cometd.addListener('/meta/connect', (m) => connects.push(m));
    const received: unknown[] = [];
    await client.subscribe('/chat/slow', (m) => received.push(m.data));

    await eventually(() => expect(connects.filter((m) => m.successful).length).toBeGreaterThanOrEqual(4));
    expect(connects.every((m) => m.successful)).toBe(true);
    await kuiper.publish('/chat/slow', { n: 1 });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));
    expect(kuiper.stats().clients).toBe(1);
  });

  it('faye keeps cycling held connects at advice.timeout and still receives', async () => {
    const { url, server: kuiper } = await startKuiper({ timeout: 300 });
    const client = createFaye(cleanup, url, transport);
    const connects: WireMessage[] = [];
    client.client.addExtension({
      incoming(message, callback) {
        if (message.channel === '/meta/connect') connects.push(message);
        callback(message);
      },
    });
    const received: unknown[] = [];
    await client.subscribe('/chat/slow', (data) => received.push(data));

    await eventually(() => expect(connects.filter((m) => m.successful).length).toBeGreaterThanOrEqual(4));
    expect(connects.every((m) => m.successful)).toBe(true);
    await kuiper.publish('/chat/slow', { n: 1 });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));
    expect(kuiper.stats().clients).toBe(1);
  });

  it('faye re-handshakes and resubscribes after a server restart', async () => {
    const first = await startKuiper();
    const client = createFaye(cleanup, first.url, transport);
    const received: unknown[] = [];
    await client.subscribe('/chat/restart', (data) => received.push(data));
    await first.server.publish('/chat/restart', { n: 1 });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));

    await first.server.close();
    const second = await startKuiper({}, { port: first.port });
    // The old clientId is unknown to the new server: 402 + handshake advice, then a new session.
    await eventually(() => expect(second.server.stats().subscriptions).toBe(1), 15_000);
    await second.server.publish('/chat/restart', { n: 2 });
    await eventually(() => expect(received).toEqual([{ n: 1 }, { n: 2 }]));
  }, 30_000);

  it('cometd re-handshakes after a server restart and its handshake listener resubscribes', async () => {
    const first = await startKuiper();
    const client = createCometD(cleanup, first.url, transport);
    client.cometd.configure({ url: first.url, backoffIncrement: 100, maxBackoff: 500 });
    const received: unknown[] = [];
    const handshakes: Message[] = [];
    client.cometd.addListener('/meta/handshake', (m) => {
      handshakes.push(m);
      if (m.successful) client.cometd.subscribe('/chat/restart', (msg) => received.push(msg.data));
    });
    expect((await client.handshake()).successful).toBe(true);
    await eventually(() => expect(first.server.stats().subscriptions).toBe(1));
    await first.server.publish('/chat/restart', { n: 1 });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));

    await first.server.close();
    const second = await startKuiper({}, { port: first.port });
    await eventually(() => expect(second.server.stats().subscriptions).toBe(1), 15_000);
    expect(handshakes.filter((m) => m.successful)).toHaveLength(2);
    expect(handshakes.at(-1)!.clientId).not.toBe(handshakes[0]!.clientId);
    await second.server.publish('/chat/restart', { n: 2 });
    await eventually(() => expect(received).toEqual([{ n: 1 }, { n: 2 }]));
  }, 30_000);
});
