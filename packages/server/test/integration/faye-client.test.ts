// Interoperability with the real faye 1.4 Node client over websocket and long-polling.
import { describe, it, expect } from 'vitest';
import { cleanup, eventually, startKuiper, type WireMessage } from '@kuiper/testkit';
import { createFaye, type FayeTransport } from '../helpers/faye.js';

function channelsOf(messages: WireMessage[]): Array<string | undefined> {
  return messages.map((m) => m.channel);
}

describe.each<FayeTransport>(['long-polling', 'websocket'])('faye client over %s', (transport) => {
  it('subscribes, publishes and receives on the negotiated transport', async () => {
    const { url } = await startKuiper();
    const subscriber = createFaye(cleanup, url, transport);
    const publisher = createFaye(cleanup, url, transport);
    const received: unknown[] = [];
    await subscriber.subscribe('/chat/room', (data) => received.push(data));

    await publisher.publish('/chat/room', { text: 'hello' });
    await eventually(() => expect(received).toEqual([{ text: 'hello' }]));
    await eventually(() => expect(subscriber.connectionType()).toBe(transport));
    expect(publisher.connectionType()).toBe(transport);
  });

  it('[PUB-2] a faye publish acknowledgement is not delivered back to the publisher as a message', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = createFaye(cleanup, url, transport);
    const received: unknown[] = [];
    await client.subscribe('/chat/self', (data) => received.push(data));

    await client.publish('/chat/self', { n: 1 });
    await kuiper.publish('/chat/self', { n: 2 });
    await eventually(() => expect(received).toContainEqual({ n: 2 }));
    // Exactly the broadcast copy of its own publish plus the server publish: an ack carrying
    // `data` would show up here as a third message.
    expect(received).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('[CHAN-2] /chat/* matches one more segment and /chat/** matches any depth', async () => {
    const { url, server: kuiper } = await startKuiper();
    const single = createFaye(cleanup, url, transport);
    const deep = createFaye(cleanup, url, transport);
    const singleChannels: string[] = [];
    const deepChannels: string[] = [];
    const s1 = single.client.subscribe('/chat/*', () => {}).withChannel((c) => singleChannels.push(c));
    const s2 = deep.client.subscribe('/chat/**', () => {}).withChannel((c) => deepChannels.push(c));
    await Promise.all([new Promise((r) => s1.then(() => r(null))), new Promise((r) => s2.then(() => r(null)))]);

    await kuiper.publish('/chat/a', { n: 1 });
    await kuiper.publish('/chat/a/b', { n: 2 });
    await kuiper.publish('/other/a', { n: 3 });
    await kuiper.publish('/chat/b', { n: 4 });

    await eventually(() => expect(singleChannels).toContain('/chat/b'));
    await eventually(() => expect(deepChannels).toContain('/chat/b'));
    expect(singleChannels).toEqual(['/chat/a', '/chat/b']);
    expect(deepChannels).toEqual(['/chat/a', '/chat/a/b', '/chat/b']);
    // What the server sent matches what faye dispatched (faye also filters locally).
    expect(channelsOf(single.incoming)).toEqual(['/chat/a', '/chat/b']);
    expect(channelsOf(deep.incoming)).toEqual(['/chat/a', '/chat/a/b', '/chat/b']);
  });

  it('[SUB-3] the server stops sending a channel after the faye client unsubscribes', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = createFaye(cleanup, url, transport);
    const removed: unknown[] = [];
    kuiper.on('subscription:removed', (ev: unknown) => removed.push(ev));
    const { subscription: gone } = await client.subscribe('/chat/gone', () => {});
    await client.subscribe('/chat/keep', () => {});
    await kuiper.publish('/chat/gone', { n: 1 });
    await eventually(() => expect(channelsOf(client.incoming)).toEqual(['/chat/gone']));

    gone.cancel();
    // faye's unsubscribe has no completion callback; the server event tells us it was processed.
    await eventually(() => expect(removed).toHaveLength(1));
    await kuiper.publish('/chat/gone', { n: 2 });
    await kuiper.publish('/chat/keep', { n: 3 });

    await eventually(() => expect(channelsOf(client.incoming)).toContain('/chat/keep'));
    expect(channelsOf(client.incoming)).toEqual(['/chat/gone', '/chat/keep']);
  });

  it('[SUB-2] a subscription to an invalid pattern is refused with 405', async () => {
    const { url } = await startKuiper();
    const client = createFaye(cleanup, url, transport);
    await expect(client.subscribe('/chat/**/x', () => {})).rejects.toThrow(/405/);
    // The client stays usable.
    const received: unknown[] = [];
    await client.subscribe('/chat/ok', (data) => received.push(data));
    await client.publish('/chat/ok', { n: 1 });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));
  });

  it('carries a 200 KB message of multi-byte characters intact', async () => {
    const { url } = await startKuiper();
    const subscriber = createFaye(cleanup, url, transport);
    const publisher = createFaye(cleanup, url, transport);
    const received: unknown[] = [];
    await subscriber.subscribe('/chat/big', (data) => received.push(data));
    const big = { text: 'ü'.repeat(60_000), clef: '𝄞'.repeat(20_000), cjk: '漢'.repeat(10_000) };
    await publisher.publish('/chat/big', big);
    await eventually(() => expect(received).toHaveLength(1));
    expect(received[0]).toEqual(big);
  });
});
