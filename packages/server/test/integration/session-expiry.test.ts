// Real clients against a security policy whose sessions expire (a short-lived token): each expiry
// answers 403:<reason>:session_expired with handshake advice, and the client must be able to
// handshake again, for as long as it runs, on whatever transport it uses.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { cleanup, eventually, startKuiper, type KuiperOptions, type WireMessage } from '@kuiper/testkit';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';

const TOKEN_MS = 150;

/** Sessions live TOKEN_MS; connects are held 100 ms so every session sees its expiry soon. */
const expiringServer: Partial<KuiperOptions> = {
  timeout: 100,
  policy: {
    canHandshake: () => ({ data: { expires: Date.now() + TOKEN_MS } }),
    checkSession: (session) => Date.now() < (session.data as { expires: number }).expires || 'token_expired',
  },
};

describe.each<CometdTransport & FayeTransport>(['long-polling', 'websocket'])('over %s', (transport) => {
  it('[SEC-4][LIMIT-5] cometd re-handshakes after each session expiry, more times than a socket carries sessions', async () => {
    const { url, server: kuiper } = await startKuiper(expiringServer);
    const client = createCometD(cleanup, url, transport);
    client.cometd.configure({ url, backoffIncrement: 50, maxBackoff: 200 });
    const handshakes: Message[] = [];
    const expiries: Message[] = [];
    client.cometd.addListener('/meta/handshake', (m) => handshakes.push(m));
    client.cometd.addListener('/meta/unsuccessful', (m) => {
      if (m.error?.endsWith(':session_expired')) expiries.push(m);
    });
    expect((await client.handshake()).successful).toBe(true);

    // The default limit is 4 sessions per WebSocket connection.
    await eventually(() => expect(handshakes.filter((m) => m.successful).length).toBeGreaterThanOrEqual(7), 10_000);
    expect(expiries.length).toBeGreaterThan(0);
    expect(expiries[0]!.error).toBe('403:token_expired:session_expired');
    expect(handshakes.filter((m) => !m.successful)).toEqual([]);
    expect(client.cometd.isDisconnected()).toBe(false);
    expect(kuiper.stats().clients).toBeLessThanOrEqual(1);
  }, 20_000);

  it('[SEC-4] faye re-handshakes and resubscribes after each session expiry, and keeps receiving', async () => {
    const { url, server: kuiper } = await startKuiper(expiringServer);
    const client = createFaye(cleanup, url, transport);
    const handshakes: WireMessage[] = [];
    client.client.addExtension({
      incoming(message, callback) {
        if (message.channel === '/meta/handshake') handshakes.push(message);
        callback(message);
      },
    });
    const received: unknown[] = [];
    await client.subscribe('/chat/expiring', (data) => received.push(data));

    await eventually(() => expect(handshakes.filter((m) => m.successful).length).toBeGreaterThanOrEqual(7), 10_000);
    expect(handshakes.filter((m) => !m.successful)).toEqual([]);
    // Still subscribed after all that: publish until one lands in a live session.
    await eventually(async () => {
      await kuiper.publish('/chat/expiring', { n: 1 });
      expect(received.length).toBeGreaterThan(0);
    }, 10_000);
  }, 25_000);
});
