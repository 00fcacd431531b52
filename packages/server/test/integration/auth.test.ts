// A security policy seen through real clients: credentials in handshake `ext`, refusals as 403
// errors each client surfaces, and a denied client that stops instead of hammering the server.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { cleanup, eventually, startKuiper, type KuiperOptions, type WireMessage } from '@kuiper/testkit';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';

const guarded: Partial<KuiperOptions> = {
  policy: {
    canHandshake: (message) => {
      const token = (message.ext as { token?: unknown } | undefined)?.token;
      return token === 'secret' ? { data: { user: 'alice' } } : 'bad_token';
    },
    canSubscribe: (_session, channel) => channel !== '/chat/private' || 'not_yours',
    canPublish: (session, channel) =>
      channel !== '/chat/readonly' || (session.data as { user?: string }).user === 'admin' || 'read_only',
  },
};

function withToken(token: string) {
  return {
    outgoing(message: WireMessage, callback: (m: WireMessage) => void) {
      if (message.channel === '/meta/handshake') message['ext'] = { ...(message['ext'] as object), token };
      callback(message);
    },
  };
}

describe.each<CometdTransport & FayeTransport>(['long-polling', 'websocket'])('over %s', (transport) => {
  it('[SEC-1][SEC-2] cometd: credentials in ext admit; refusals come back as 403 errors', async () => {
    const { url, server: kuiper } = await startKuiper(guarded);
    const client = createCometD(cleanup, url, transport);
    const hs = await new Promise<Message>((resolve) =>
      client.cometd.handshake({ ext: { token: 'secret' } }, (reply) => resolve(reply)),
    );
    expect(hs.successful).toBe(true);

    const denied = await client.subscribe('/chat/private', () => {});
    expect(denied.reply).toMatchObject({ successful: false, error: '403:not_yours:subscribe_denied' });
    const readonly = await client.publish('/chat/readonly', { n: 1 });
    expect(readonly).toMatchObject({ successful: false, error: '403:read_only:publish_denied' });

    const received: unknown[] = [];
    expect((await client.subscribe('/chat/open', (m) => received.push(m.data))).reply.successful).toBe(true);
    expect((await client.publish('/chat/open', { n: 2 })).successful).toBe(true);
    await eventually(() => expect(received).toEqual([{ n: 2 }]));
    expect(kuiper.stats().subscriptions).toBe(1);
  });

  it('[SEC-1] cometd: a denied handshake reports 403 and the client stops', async () => {
    const { url, server: kuiper } = await startKuiper(guarded);
    let handshakes = 0;
    kuiper.addExtension({
      name: 'count',
      incoming(message) {
        if (message.channel === '/meta/handshake') handshakes++;
        return message;
      },
    });
    const client = createCometD(cleanup, url, transport);
    client.cometd.configure({ url, backoffIncrement: 50, maxBackoff: 100 });
    const reply = await new Promise<Message>((resolve) =>
      client.cometd.handshake({ ext: { token: 'wrong' } }, (m) => resolve(m)),
    );
    expect(reply).toMatchObject({ successful: false, error: '403:bad_token:handshake_denied' });
    // advice reconnect:"none" puts cometd in the disconnected state: it schedules no more handshakes.
    await eventually(() => expect(client.cometd.isDisconnected()).toBe(true));
    expect(handshakes).toBe(1);
    expect(kuiper.stats().clients).toBe(0);
  });

  it('[SEC-1][SEC-2] faye: credentials via an extension admit; refusals reject with 403', async () => {
    const { url } = await startKuiper(guarded);
    const client = createFaye(cleanup, url, transport);
    client.client.addExtension(withToken('secret'));
    await expect(client.subscribe('/chat/private', () => {})).rejects.toThrow(/403/);
    await expect(client.publish('/chat/readonly', { n: 1 })).rejects.toThrow(/403/);
    const received: unknown[] = [];
    await client.subscribe('/chat/open', (data) => received.push(data));
    await client.publish('/chat/open', { n: 2 });
    await eventually(() => expect(received).toEqual([{ n: 2 }]));
    await eventually(() => expect(client.connectionType()).toBe(transport));
  });
});
