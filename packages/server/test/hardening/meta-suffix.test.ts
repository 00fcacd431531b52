// No way around the checks through a meta channel's suffix (issue 5, META-1, EXT-1): every
// `/meta/<name>/x` gets 405 and does nothing, over every raw transport, and the extension pipeline
// sees those messages too, so an extension's rule still applies.
import { describe, it, expect } from 'vitest';
import type { Extension } from '../../src/core/extension.js';
import { reject } from '../../src/core/extension.js';
import { cleanup, msgId } from '@kuiper/testkit';
import { RAW_TRANSPORTS, exchangeOver, handshakeFor, startHardened } from './support.js';

const SUFFIXED = [
  '/meta/handshake/x',
  '/meta/connect/x',
  '/meta/subscribe/x',
  '/meta/unsubscribe/x',
  '/meta/disconnect/x',
  '/meta/subscribe/a/b',
  '/meta/subscribe/*',
  '/meta/subscribe/**',
  '/meta/publish',
  '/meta/x',
  '/meta',
];

describe.each(RAW_TRANSPORTS)('over %s', (transport) => {
  it('[META-1] every meta channel with a suffix gets 405::channel_invalid and has no effect', async () => {
    const seen: string[] = [];
    const spy: Extension = { name: 'spy', incoming: (m) => (seen.push(m.channel), m) };
    const server = await startHardened(cleanup, { extensions: [spy] });
    const { kuiper } = server;
    const send = await exchangeOver(cleanup, transport, server);
    const hs = await send(handshakeFor(transport));
    const clientId = hs.clientId as string;
    expect(kuiper.stats().clients).toBe(1);

    for (const channel of SUFFIXED) {
      const message = {
        channel,
        id: msgId(),
        clientId,
        subscription: '/secret/**',
        connectionType: transport,
        supportedConnectionTypes: [transport],
        version: '1.0',
        data: { x: 1 },
      };
      const reply = await send(message);
      expect(reply, channel).toMatchObject({ channel, id: message.id, successful: false, error: '405::channel_invalid' });
    }
    // [EXT-1] The pipeline saw every one of them.
    expect(seen).toEqual(expect.arrayContaining(SUFFIXED));
    // Nothing happened: no session made or removed, no subscription recorded, nothing published.
    expect(kuiper.stats()).toMatchObject({ clients: 1, subscriptions: 0 });
    expect(await kuiper.engine.hasChannel('/secret/**')).toBe(false);
    const connect = await send({ channel: '/meta/connect', clientId, connectionType: transport, advice: { timeout: 0 }, id: msgId() });
    expect(connect.successful).toBe(true);
  });

  it('[META-1][EXT-1][EXT-3] an extension that rejects subscribes applies whatever the suffix, and an exact-match one is not bypassed', async () => {
    // One extension written carefully (prefix), one carelessly (exact match): neither can be bypassed.
    const careful: Extension = {
      name: 'no-subscribe-careful',
      incoming: (m) => (m.channel.startsWith('/meta/subscribe') && m.subscription === '/careful' ? reject('subscribe_denied', ['by_extension']) : m),
    };
    const careless: Extension = {
      name: 'no-subscribe-careless',
      incoming: (m) => (m.channel === '/meta/subscribe' && m.subscription === '/careless' ? reject('subscribe_denied', ['by_extension']) : m),
    };
    const server = await startHardened(cleanup, { extensions: [careful, careless] });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;

    for (const channel of ['/meta/subscribe', '/meta/subscribe/x', '/meta/subscribe/']) {
      const reply = await send({ channel, clientId, subscription: '/careful', id: msgId() });
      expect(reply, channel).toMatchObject({ successful: false, error: '403:by_extension:subscribe_denied' });
    }
    expect(await send({ channel: '/meta/subscribe', clientId, subscription: '/careless', id: msgId() })).toMatchObject({
      successful: false,
      error: '403:by_extension:subscribe_denied',
    });
    for (const channel of ['/meta/subscribe/x', '/meta/subscribe/careless', '/meta/subscribe/']) {
      const reply = await send({ channel, clientId, subscription: '/careless', id: msgId() });
      expect(reply, channel).toMatchObject({ successful: false, error: '405::channel_invalid' });
    }
    expect(server.kuiper.stats().subscriptions).toBe(0);
    // Subscribing to meta channels themselves is forbidden, suffix or not (SUB-2).
    for (const subscription of ['/meta/subscribe/x', '/meta/**', '/meta/connect']) {
      const reply = await send({ channel: '/meta/subscribe', clientId, subscription, id: msgId() });
      expect(reply, subscription).toMatchObject({ successful: false, error: `403:${subscription}:channel_forbidden` });
    }
    expect(server.kuiper.stats().subscriptions).toBe(0);
  });
});
