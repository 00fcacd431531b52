// Session pruning and channel sweeping, driven over raw long-polling HTTP.
import { describe, it, expect } from 'vitest';
import {
  eventually,
  startKuiper,
  bayeux,
  rawHandshake,
  immediateConnect,
  connectMessage,
  replyTo,
  expectHealthy,
  msgId,
} from '@kuiper/testkit';

interface SessionRemoved {
  clientId: string;
  reason: string;
}

describe('session pruning', () => {
  it('[SESS-2][SESS-1] prunes a session that stops connecting, then answers its clientId with 402 and handshake advice', async () => {
    const { url, server: kuiper } = await startKuiper({ maxInterval: 300, sweepIntervalMs: 50 });
    const removed: SessionRemoved[] = [];
    kuiper.on('session:removed', (ev: SessionRemoved) => removed.push(ev));

    const clientId = await rawHandshake(url);
    const first = immediateConnect(clientId);
    const firstReply = replyTo(await bayeux(url, [first]), first.id);
    expect(firstReply.successful).toBe(true);
    expect(kuiper.stats().clients).toBe(1);

    await eventually(() => expect(removed).toEqual([expect.objectContaining({ clientId, reason: 'pruned' })]));
    expect(kuiper.stats().clients).toBe(0);

    const connect = connectMessage(clientId);
    const reply = replyTo(await bayeux(url, [connect]), connect.id);
    expect(reply).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '402::session_unknown',
      advice: { reconnect: 'handshake', interval: 0 },
    });
    await expectHealthy(url);
  });

  it('[SESS-3] does not prune a session whose connect is being held', async () => {
    const { url, server: kuiper } = await startKuiper({ maxInterval: 300, sweepIntervalMs: 50, timeout: 1500 });
    const removed: SessionRemoved[] = [];
    kuiper.on('session:removed', (ev: SessionRemoved) => removed.push(ev));
    const idle = await rawHandshake(url);
    const held = await rawHandshake(url);
    await bayeux(url, [immediateConnect(idle)]);
    await bayeux(url, [immediateConnect(held)]);

    // `held` keeps a connect outstanding (longer than maxInterval); `idle` never connects again.
    const heldConnect = connectMessage(held);
    const heldReplies = bayeux(url, [heldConnect]);
    await eventually(() => expect(removed.map((r) => r.clientId)).toContain(idle));
    const reply = replyTo(await heldReplies, heldConnect.id);
    expect(reply.successful).toBe(true);
    expect(removed.map((r) => r.clientId)).not.toContain(held);
  });
});

describe('channel sweeping', () => {
  it('[SWEEP-1] sweeps a channel once its last subscriber unsubscribes, and keeps channels still in use', async () => {
    const { url, server: kuiper } = await startKuiper({ sweepIntervalMs: 50 });
    const added: string[] = [];
    const swept: string[] = [];
    kuiper.on('channel:added', (ev: { channel: string }) => added.push(ev.channel));
    kuiper.on('channel:removed', (ev: { channel: string }) => swept.push(ev.channel));

    const a = await rawHandshake(url);
    const b = await rawHandshake(url);
    const subscribe = (clientId: string, subscription: string) =>
      bayeux(url, [{ channel: '/meta/subscribe', clientId, subscription, id: msgId() }]);
    const unsubscribe = (clientId: string, subscription: string) =>
      bayeux(url, [{ channel: '/meta/unsubscribe', clientId, subscription, id: msgId() }]);

    await subscribe(a, '/chat/gone');
    await subscribe(b, '/chat/gone');
    await subscribe(a, '/chat/keep');
    expect(added).toEqual(expect.arrayContaining(['/chat/gone', '/chat/keep']));

    const unsubReply = (await unsubscribe(a, '/chat/gone'))[0]!;
    expect(unsubReply).toMatchObject({ channel: '/meta/unsubscribe', successful: true });
    // One subscriber left on /chat/gone: it must survive sweeps.
    await subscribe(a, '/chat/probe1');
    await unsubscribe(a, '/chat/probe1');
    await eventually(() => expect(swept).toContain('/chat/probe1'));
    expect(swept).not.toContain('/chat/gone');

    await unsubscribe(b, '/chat/gone');
    await eventually(() => expect(swept).toContain('/chat/gone'));
    // After at least one more sweep, /chat/keep (still subscribed) is still there.
    await subscribe(b, '/chat/probe2');
    await unsubscribe(b, '/chat/probe2');
    await eventually(() => expect(swept).toContain('/chat/probe2'));
    expect(swept).not.toContain('/chat/keep');
    expect(kuiper.stats().subscriptions).toBe(1);
  });

  it('[SWEEP-1][SESS-2] sweeps the channels of a pruned session', async () => {
    const { url, server: kuiper } = await startKuiper({ maxInterval: 300, sweepIntervalMs: 50 });
    const swept: string[] = [];
    kuiper.on('channel:removed', (ev: { channel: string }) => swept.push(ev.channel));
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    await bayeux(url, [{ channel: '/meta/subscribe', clientId, subscription: '/chat/orphan', id: msgId() }]);
    expect(kuiper.stats().subscriptions).toBe(1);

    await eventually(() => expect(swept).toContain('/chat/orphan'));
    expect(kuiper.stats()).toMatchObject({ clients: 0, subscriptions: 0 });
  });

  it('[SWEEP-1] keeps channels with a server-side listener or marked persistent', async () => {
    const { url, server: kuiper } = await startKuiper({ sweepIntervalMs: 50 });
    const swept: string[] = [];
    kuiper.on('channel:removed', (ev: { channel: string }) => swept.push(ev.channel));
    const off = kuiper.subscribe('/chat/listened', () => {});
    kuiper.setPersistent('/chat/pinned');
    const clientId = await rawHandshake(url);
    const sub = (channel: string, subscription: string) =>
      bayeux(url, [{ channel, clientId, subscription, id: msgId() }]);
    await sub('/meta/subscribe', '/chat/probe1');
    await sub('/meta/unsubscribe', '/chat/probe1');
    await eventually(() => expect(swept).toContain('/chat/probe1'));
    expect(swept).not.toContain('/chat/listened');
    expect(swept).not.toContain('/chat/pinned');

    off();
    await eventually(() => expect(swept).toContain('/chat/listened'));
    expect(swept).not.toContain('/chat/pinned');
  });
});
