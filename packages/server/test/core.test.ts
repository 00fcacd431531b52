import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';
import { Departed } from '../src/core/connector.js';

let h: Harness;
afterEach(() => h?.close());

const connectNow = (clientId: string, id = 'c') => ({
  channel: '/meta/connect',
  clientId,
  connectionType: 'long-polling',
  advice: { timeout: 0 },
  id,
});

describe('handshake', () => {
  it('[HS-1][REPLY-1] replies with clientId, version, connection types and advice, echoing id', async () => {
    h = harness({ timeout: 25_000, maxInterval: 9000 });
    const [reply] = await h.send({ channel: '/meta/handshake', id: 'h1', version: '1.0', supportedConnectionTypes: ['long-polling'] });
    expect(reply).toMatchObject({
      channel: '/meta/handshake',
      id: 'h1',
      successful: true,
      version: '1.0',
      supportedConnectionTypes: ['websocket', 'long-polling', 'callback-polling'],
      advice: { reconnect: 'retry', timeout: 25_000, interval: 0, maxInterval: 9000 },
    });
    expect(reply?.clientId).toMatch(/^[0-9a-z]{25,}$/);
  });

  it('[HS-2] refuses a handshake without connection types', async () => {
    h = harness();
    const [reply] = await h.send({ channel: '/meta/handshake', id: 1, version: '1.0' });
    expect(reply).toMatchObject({ successful: false, error: '400::connection_type_missing', id: 1 });
  });

  it('[HS-3] no common connection type: unsuccessful with reconnect none and the server types', async () => {
    h = harness();
    const [reply] = await h.send({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['carrier-pigeon'] });
    expect(reply).toMatchObject({
      successful: false,
      error: '400::connection_type_unsupported',
      advice: { reconnect: 'none' },
      supportedConnectionTypes: ['websocket', 'long-polling', 'callback-polling'],
    });
    expect(h.engine.stats().clients).toBe(0);
  });

  it('[HS-5] other messages batched with a handshake are ignored', async () => {
    h = harness();
    const replies = await h.send(
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
      { channel: '/a', data: 1 },
    );
    expect(replies.map((r) => r.channel)).toEqual(['/meta/handshake']);
  });
});

describe('sessions and connect', () => {
  it('[SESS-1] an unknown clientId gets 402::session_unknown with handshake advice', async () => {
    h = harness();
    for (const channel of ['/meta/connect', '/meta/subscribe', '/meta/unsubscribe', '/meta/disconnect', '/a']) {
      const [reply] = await h.send({ channel, clientId: 'nope', id: 'x', subscription: '/a', data: 1 });
      expect(reply, channel).toMatchObject({
        channel,
        id: 'x',
        successful: false,
        error: '402::session_unknown',
        advice: { reconnect: 'handshake', interval: 0 },
      });
    }
    const [missing] = await h.send({ channel: '/a', data: 1 });
    expect(missing).toMatchObject({ error: '400::client_id_missing', advice: { reconnect: 'handshake' } });
  });

  it('[CONN-1][CONN-2] advice.timeout 0 is answered at once with the retry advice', async () => {
    h = harness();
    const id = await h.handshake();
    const [reply] = await h.send(connectNow(id, 'c1'));
    expect(reply).toMatchObject({ channel: '/meta/connect', id: 'c1', clientId: id, successful: true, advice: { reconnect: 'retry' } });
  });

  it('[CONN-2] a held connect ends after timeout when nothing is queued', async () => {
    h = harness({ timeout: 150 });
    const id = await h.handshake();
    const started = Date.now();
    const replies = await h.send({ channel: '/meta/connect', clientId: id, connectionType: 'long-polling' });
    expect(replies).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('[CONN-4][PUB-1][PUB-3] deliveries precede the connect reply; one copy per session', async () => {
    h = harness();
    const sub = await h.handshake();
    const pub = await h.handshake();
    await h.send({ channel: '/meta/subscribe', clientId: sub, subscription: ['/chat/*', '/chat/**', '/**', '/chat/a'] });
    const held = h.send({ channel: '/meta/connect', clientId: sub, connectionType: 'long-polling', id: 'held' });
    const [ack] = await h.send({ channel: '/chat/a', clientId: pub, id: 'p1', data: { text: 'hi' }, ext: { token: 's3cret' } });
    expect(ack).toEqual({ channel: '/chat/a', id: 'p1', successful: true }); // [PUB-2]
    const replies = await held;
    expect(replies).toEqual([
      { channel: '/chat/a', data: { text: 'hi' } },
      expect.objectContaining({ channel: '/meta/connect', id: 'held', successful: true }),
    ]);
  });

  it('[CONN-3] a second connect answers the first at once', async () => {
    h = harness();
    const id = await h.handshake();
    const first = h.send({ channel: '/meta/connect', clientId: id, connectionType: 'long-polling', id: '1' });
    const second = h.send({ channel: '/meta/connect', clientId: id, connectionType: 'long-polling', id: '2', advice: { timeout: 50 } });
    const [r1] = await first;
    expect(r1).toMatchObject({ id: '1', successful: true });
    expect(await second).toEqual([expect.objectContaining({ id: '2' })]);
  });

  it('[CONN-7] of two connects in one batch the earlier is answered at once', async () => {
    h = harness({ timeout: 100 });
    const id = await h.handshake();
    const replies = await h.send(
      { channel: '/meta/connect', clientId: id, connectionType: 'long-polling', id: 'a' },
      { channel: '/meta/connect', clientId: id, connectionType: 'long-polling', id: 'b' },
    );
    expect(replies.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('[PUB-4] data nested too deep to serialise is refused, not a server error', async () => {
    h = harness();
    const id = await h.handshake();
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const [reply] = await h.send({ channel: '/deep', clientId: id, data: deep });
    expect(reply?.error).toBe('400:data:message_invalid');
  });

  it('[CONN-5][DISC-1] a disconnect answers the held connect with 402 and forgets the session', async () => {
    h = harness();
    const id = await h.handshake();
    const held = h.send({ channel: '/meta/connect', clientId: id, connectionType: 'long-polling' });
    const [bye] = await h.send({ channel: '/meta/disconnect', clientId: id, id: 'd' });
    expect(bye).toMatchObject({ channel: '/meta/disconnect', successful: true, id: 'd' });
    expect(await held).toEqual([expect.objectContaining({ error: '402::session_unknown' })]);
    expect(h.events).toContainEqual({ type: 'session:removed', clientId: id, reason: 'disconnect' });
    const [again] = await h.send(connectNow(id));
    expect(again?.error).toBe('402::session_unknown');
  });

  it('[CONN-6] an aborted long-poll leaves the queue for the next connect', async () => {
    h = harness();
    const sub = await h.handshake();
    await h.send({ channel: '/meta/subscribe', clientId: sub, subscription: '/q' });
    const gone = new Departed();
    const held = h.connector.respond([{ channel: '/meta/connect', clientId: sub, connectionType: 'long-polling' }], 'long-polling', gone);
    gone.abort();
    await held;
    await h.engine.publish({ channel: '/q', data: 1 });
    const replies = await h.send(connectNow(sub));
    expect(replies[0]).toEqual({ channel: '/q', data: 1 });
  });

  it('[SESS-2][SESS-3] a session that stops connecting is pruned; one with a held connect is not', async () => {
    h = harness({ maxInterval: 100, timeout: 60_000 });
    const idle = await h.handshake();
    const busy = await h.handshake();
    void h.send({ channel: '/meta/connect', clientId: busy, connectionType: 'long-polling' });
    await new Promise((r) => setTimeout(r, 20));
    h.engine.sweep(Date.now() + 500);
    expect(h.events).toContainEqual({ type: 'session:removed', clientId: idle, reason: 'pruned' });
    expect(await h.engine.hasSession(busy)).toBe(true);
    const [reply] = await h.send(connectNow(idle));
    expect(reply).toMatchObject({ error: '402::session_unknown', advice: { reconnect: 'handshake' } });
  });
});

describe('subscribe', () => {
  it('[SUB-1][SUB-3] echoes subscription; unsubscribe stops only that pattern', async () => {
    h = harness();
    const id = await h.handshake();
    const [r] = await h.send({ channel: '/meta/subscribe', clientId: id, subscription: ['/a', '/b'], id: 's' });
    expect(r).toMatchObject({ successful: true, subscription: ['/a', '/b'], id: 's' });
    await h.send({ channel: '/meta/unsubscribe', clientId: id, subscription: '/a' });
    await h.engine.publish({ channel: '/a', data: 'A' });
    await h.engine.publish({ channel: '/b', data: 'B' });
    expect(await h.engine.take(id)).toEqual([{ channel: '/b', data: 'B' }]);
  });

  it('[SUB-2] invalid, meta or missing subscriptions fail as a whole', async () => {
    h = harness();
    const id = await h.handshake();
    const err = async (subscription: unknown) => (await h.send({ channel: '/meta/subscribe', clientId: id, subscription }))[0]?.error;
    expect(await err(['/ok', '/a/*/b'])).toBe('405::channel_invalid');
    expect(await err('/meta/connect')).toBe('403:/meta/connect:channel_forbidden');
    expect(await err(undefined)).toBe('400::subscription_missing');
    expect(await err([])).toBe('400::subscription_missing');
    expect(h.engine.stats().subscriptions).toBe(0);
  });

  it('[SUB-4][SVC-1] /service is never broadcast; handlers answer the sender only', async () => {
    h = harness();
    const a = await h.handshake();
    const b = await h.handshake();
    await h.send({ channel: '/meta/subscribe', clientId: b, subscription: ['/**', '/service/echo'] });
    h.services.set('/service/echo', (data, ctx) => ({ echoed: data, from: ctx.clientId }));
    const [reply] = await h.send({ channel: '/service/echo', clientId: a, id: 'r', data: 5 });
    expect(reply).toEqual({ channel: '/service/echo', id: 'r', successful: true, data: { echoed: 5, from: a } });
    expect(await h.engine.take(b)).toEqual([]);
    h.services.set('/service/boom', () => {
      throw new Error('bug');
    });
    const [boom] = await h.send({ channel: '/service/boom', clientId: a, id: 'z', data: 1 });
    expect(boom).toMatchObject({ successful: false, error: '500::server_error', id: 'z' });
  });
});

describe('publish and meta', () => {
  it('[PUB-4] wildcard channels and missing data are refused', async () => {
    h = harness();
    const id = await h.handshake();
    expect((await h.send({ channel: '/a/*', clientId: id, data: 1 }))[0]?.error).toBe('405::channel_invalid');
    expect((await h.send({ channel: '/a', clientId: id }))[0]?.error).toBe('400:data:message_invalid');
  });

  it('[META-1] unknown meta channels such as /meta/subscribe/x are refused', async () => {
    h = harness();
    const id = await h.handshake();
    const [r] = await h.send({ channel: '/meta/subscribe/x', clientId: id, subscription: '/a' });
    expect(r).toMatchObject({ successful: false, error: '405::channel_invalid' });
    expect(h.engine.stats().subscriptions).toBe(0);
  });

  it('[ENG-2] __proto__ and constructor are ordinary channel names and clientIds', async () => {
    h = harness();
    const id = await h.handshake();
    await h.send({ channel: '/meta/subscribe', clientId: id, subscription: ['/__proto__', '/constructor'] });
    await h.send({ channel: '/__proto__', clientId: id, data: 1 });
    expect(await h.engine.take(id)).toEqual([{ channel: '/__proto__', data: 1 }]);
    expect((await h.send(connectNow('__proto__')))[0]?.error).toBe('402::session_unknown');
  });

  it('[SWEEP-1] channels without subscribers are swept unless persistent', async () => {
    h = harness();
    const id = await h.handshake();
    h.engine.setPersistent('/keep', true);
    await h.send({ channel: '/meta/subscribe', clientId: id, subscription: '/room/a' });
    await h.send({ channel: '/meta/unsubscribe', clientId: id, subscription: '/room/a' });
    h.engine.sweep(Date.now());
    const removed = h.events.filter((e) => e.type === 'channel:removed').map((e) => (e as { channel: string }).channel);
    expect(removed).toEqual(['/room/a', '/room']);
    expect(h.engine.stats().channels).toBe(1);
  });
});
