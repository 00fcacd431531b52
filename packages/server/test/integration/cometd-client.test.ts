// Interoperability with the real CometD JavaScript client (cometd@9 + cometd-nodejs-client@2),
// once restricted to long-polling and once restricted to websocket.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { cleanup, eventually, startKuiper, bayeux, connectMessage, replyTo, onCleanup } from '@kuiper/testkit';
import { connectedCometD, type CometdTransport } from '../helpers/cometd.js';

function channelsOf(messages: Message[]): string[] {
  return messages.map((m) => m.channel);
}

describe.each<CometdTransport>(['long-polling', 'websocket'])('cometd client over %s', (transport) => {
  it('handshakes, negotiates the transport and reaches the connected state', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);

    expect(client.cometd.getClientId()).toEqual(expect.any(String));
    expect(client.cometd.getTransport()?.type).toBe(transport);
    await eventually(() => expect(client.cometd.getStatus()).toBe('connected'));
    expect(kuiper.stats().clients).toBe(1);
  });

  it('[PUB-3] delivers a publish from one client to a subscriber on another, without the publisher identity', async () => {
    const { url } = await startKuiper();
    const subscriber = await connectedCometD(cleanup, url, transport);
    const publisher = await connectedCometD(cleanup, url, transport);
    const received: Message[] = [];
    const { reply } = await subscriber.subscribe('/chat/room', (m) => received.push(m));
    expect(reply.successful).toBe(true);

    const ack = await publisher.publish('/chat/room', { text: 'hello' });
    expect(ack.successful).toBe(true);
    expect(ack.data).toBeUndefined();

    await eventually(() => expect(received).toHaveLength(1));
    const delivered = received[0]!;
    expect(delivered.channel).toBe('/chat/room');
    expect(delivered.data).toEqual({ text: 'hello' });
    expect(delivered.clientId).toBeUndefined();
    expect(delivered.id).toBeUndefined();
  });

  it('a client publish reaches a server-side subscriber, and a server publish reaches the client', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);
    const onServer: Array<{ channel: string; data: unknown }> = [];
    onCleanup(kuiper.subscribe('/chat/**', (msg) => onServer.push({ channel: msg.channel, data: msg.data })));
    const received: Message[] = [];
    await client.subscribe('/chat/from-server', (m) => received.push(m));

    await client.publish('/chat/up', { n: 1 });
    await eventually(() => expect(onServer).toContainEqual({ channel: '/chat/up', data: { n: 1 } }));

    await kuiper.publish('/chat/from-server', { n: 2 });
    await eventually(() => expect(received.map((m) => m.data)).toEqual([{ n: 2 }]));
  });

  it('[CHAN-2] /chat/* matches one more segment and /chat/** matches any depth', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);
    const single: Message[] = [];
    const deep: Message[] = [];
    await client.subscribe('/chat/*', (m) => single.push(m));
    await client.subscribe('/chat/**', (m) => deep.push(m));

    await kuiper.publish('/chat/a', { n: 1 });
    await kuiper.publish('/chat/a/b', { n: 2 });
    await kuiper.publish('/other/a', { n: 3 });
    await kuiper.publish('/chat/b', { n: 4 });

    await eventually(() => expect(channelsOf(single)).toContain('/chat/b'));
    await eventually(() => expect(channelsOf(deep)).toContain('/chat/b'));
    expect(channelsOf(single)).toEqual(['/chat/a', '/chat/b']);
    expect(channelsOf(deep)).toEqual(['/chat/a', '/chat/a/b', '/chat/b']);
  });

  it('[PUB-1] sends one copy per session when several of its subscriptions match', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);
    for (const pattern of ['/chat/a', '/chat/*', '/chat/**']) await client.subscribe(pattern, () => {});

    await kuiper.publish('/chat/a', { n: 1 });
    await kuiper.publish('/chat/sentinel', { n: 2 });

    await eventually(() => expect(channelsOf(client.incoming)).toContain('/chat/sentinel'));
    expect(channelsOf(client.incoming)).toEqual(['/chat/a', '/chat/sentinel']);
  });

  it('[SUB-3] stops delivering a channel after unsubscribe', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);
    const { handle } = await client.subscribe('/chat/gone', () => {});
    await client.subscribe('/chat/keep', () => {});
    await kuiper.publish('/chat/gone', { n: 1 });
    await eventually(() => expect(channelsOf(client.incoming)).toEqual(['/chat/gone']));

    const reply = await client.unsubscribe(handle);
    expect(reply.successful).toBe(true);
    await kuiper.publish('/chat/gone', { n: 2 });
    await kuiper.publish('/chat/keep', { n: 3 });

    await eventually(() => expect(channelsOf(client.incoming)).toContain('/chat/keep'));
    expect(channelsOf(client.incoming)).toEqual(['/chat/gone', '/chat/keep']);
  });

  it('[SVC-1] answers a remoteCall to /service/echo to the caller only, never broadcasting it', async () => {
    const { url, server: kuiper } = await startKuiper();
    kuiper.addService('/service/echo', async (data) => ({ echoed: data }));
    const caller = await connectedCometD(cleanup, url, transport);
    const watcher = await connectedCometD(cleanup, url, transport);
    await watcher.subscribe('/**', () => {});
    await caller.subscribe('/service/echo', () => {});

    const reply = await caller.remoteCall('echo', { n: 42 });
    expect(reply.successful).not.toBe(false);
    expect(reply.error).toBeUndefined();
    expect(reply.data).toEqual({ echoed: { n: 42 } });

    await kuiper.publish('/chat/sentinel', { n: 1 });
    await eventually(() => expect(channelsOf(watcher.incoming)).toContain('/chat/sentinel'));
    expect(channelsOf(watcher.incoming)).toEqual(['/chat/sentinel']);
    // The caller got its answer once, as the remote-call reply, not as an extra broadcast.
    expect(channelsOf(caller.incoming)).toEqual(['/service/echo']);
  });

  it('[SVC-1] a service handler that throws gives the caller 500::server_error, not a timeout', async () => {
    const { url, server: kuiper } = await startKuiper();
    kuiper.addService('/service/broken', async () => {
      throw new Error('boom');
    });
    kuiper.addService('/service/echo', async (data) => ({ echoed: data }));
    const caller = await connectedCometD(cleanup, url, transport);

    const reply = await caller.remoteCall('broken', { n: 1 });
    expect(reply.successful).toBe(false);
    expect(reply.error).toBe('500::server_error');
    expect((await caller.remoteCall('echo', 'still here')).data).toEqual({ echoed: 'still here' });
  });

  it('[SVC-2] a remoteCall to a service nobody handles fails promptly instead of timing out', async () => {
    const { url } = await startKuiper();
    const caller = await connectedCometD(cleanup, url, transport);
    const reply = await caller.remoteCall('nobody', { n: 1 }, 4000);
    expect(reply.successful).toBe(false);
    expect(reply.error).toBe('404:/service/nobody:service_unknown');
  });

  it('delivers many messages in publish order with their data intact', async () => {
    const { url } = await startKuiper();
    const subscriber = await connectedCometD(cleanup, url, transport);
    const publisher = await connectedCometD(cleanup, url, transport);
    const received: unknown[] = [];
    await subscriber.subscribe('/chat/burst', (m) => received.push(m.data));
    const payloads = Array.from({ length: 200 }, (_, i) => ({ i, text: `héllo ✓ ${'𝄞'.repeat(i % 3)}`, nested: { list: [i, null, true] } }));

    await Promise.all(payloads.map((p) => publisher.publish('/chat/burst', p)));
    await eventually(() => expect(received).toHaveLength(200));
    expect(received).toEqual(payloads);
  });

  it('processes a cometd batch in order: subscribe then publish delivers to the same client', async () => {
    const { url } = await startKuiper();
    const client = await connectedCometD(cleanup, url, transport);
    const received: unknown[] = [];
    let subscribed: Message | undefined;
    let acked: Message | undefined;
    client.cometd.batch(() => {
      client.cometd.subscribe('/chat/batch', (m) => received.push(m.data), (r) => (subscribed = r));
      client.cometd.publish('/chat/batch', { n: 1 }, (r) => (acked = r));
    });
    await eventually(() => expect(received).toEqual([{ n: 1 }]));
    expect(subscribed?.successful).toBe(true);
    expect(acked?.successful).toBe(true);
  });

  it('carries a 200 KB message intact', async () => {
    const { url } = await startKuiper();
    const subscriber = await connectedCometD(cleanup, url, transport);
    const publisher = await connectedCometD(cleanup, url, transport);
    // The cometd client refuses to send more than 8 KB per message unless told otherwise.
    publisher.cometd.configure({ url, maxSendBayeuxMessageSize: 512 * 1024 });
    const received: unknown[] = [];
    await subscriber.subscribe('/chat/big', (m) => received.push(m.data));
    // [HTTP-8] Multi-byte bulk: cometd-nodejs-client 2.0.0 appends each response chunk to a string on
    // its own (XMLHttpRequest.js, `responseText += chunk`), so a character split across two TCP chunks
    // would be corrupted if the server sent raw UTF-8; long-polling bodies are ASCII-escaped for it.
    const big = { head: 'héllo ✓ 𝄞', text: 'é✓𝄞'.repeat(22_000), list: Array.from({ length: 1000 }, (_, i) => i) };
    const ack = await publisher.publish('/chat/big', big);
    expect(ack.error).toBeUndefined();
    expect(ack.successful).toBe(true);
    await eventually(() => expect(received).toHaveLength(1));
    expect(received[0]).toEqual(big);
  });

  it('[DISC-1] disconnect ends the session; its clientId is then unknown', async () => {
    const { url, server: kuiper } = await startKuiper();
    const removed: Array<{ clientId: string; reason: string }> = [];
    kuiper.on('session:removed', (ev: { clientId: string; reason: string }) => removed.push(ev));
    const client = await connectedCometD(cleanup, url, transport);
    await eventually(() => expect(client.cometd.getStatus()).toBe('connected'));
    const clientId = client.cometd.getClientId()!;

    await client.disconnect();
    expect(client.cometd.isDisconnected()).toBe(true);
    await eventually(() => expect(removed).toContainEqual(expect.objectContaining({ clientId, reason: 'disconnect' })));
    expect(kuiper.stats().clients).toBe(0);

    const connect = connectMessage(clientId);
    const reply = replyTo(await bayeux(url, [connect]), connect.id);
    expect(reply).toMatchObject({ successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake' } });
  });
});
