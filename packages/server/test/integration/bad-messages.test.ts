// Well-framed requests carrying bad messages, over raw long-polling HTTP: exact error strings
// from the SPEC, and the server keeps serving a well-behaved client afterwards.
import { describe, it, expect } from 'vitest';
import {
  eventually,
  startKuiper,
  bayeux,
  rawPost,
  rawHandshake,
  handshakeMessage,
  immediateConnect,
  connectMessage,
  replyTo,
  expectHealthy,
  msgId,
  type WireMessage,
  onCleanup,
} from '@kuiper/testkit';

const HANDSHAKE_ADVICE = { reconnect: 'handshake', interval: 0 };

async function one(url: string, message: Record<string, unknown>): Promise<WireMessage> {
  const id = (message['id'] as string | undefined) ?? msgId();
  return replyTo(await bayeux(url, [{ ...message, id }]), id);
}

describe('sessions and handshake', () => {
  it('[SESS-1] answers an unknown clientId with 402::session_unknown and handshake advice', async () => {
    const { url } = await startKuiper();
    const ghost = 'not-a-real-client-id';
    const cases: Array<Record<string, unknown>> = [
      { channel: '/meta/connect', clientId: ghost, connectionType: 'long-polling' },
      { channel: '/meta/subscribe', clientId: ghost, subscription: '/chat/a' },
      { channel: '/meta/unsubscribe', clientId: ghost, subscription: '/chat/a' },
      { channel: '/meta/disconnect', clientId: ghost },
      { channel: '/chat/a', clientId: ghost, data: { n: 1 } },
    ];
    for (const message of cases) {
      expect(await one(url, message), String(message['channel'])).toMatchObject({
        channel: message['channel'],
        successful: false,
        error: '402::session_unknown',
        advice: HANDSHAKE_ADVICE,
      });
    }
    await expectHealthy(url);
  });

  it('[SESS-1] answers a missing clientId with 400::client_id_missing and handshake advice', async () => {
    const { url } = await startKuiper();
    const reply = await one(url, { channel: '/meta/connect', connectionType: 'long-polling' });
    expect(reply).toMatchObject({ successful: false, error: '400::client_id_missing', advice: HANDSHAKE_ADVICE });
  });

  it('[HS-1] hands out distinct, long clientIds with retry advice', async () => {
    const { url } = await startKuiper();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const hs = handshakeMessage();
      const reply = replyTo(await bayeux(url, [hs]), hs.id);
      expect(reply).toMatchObject({ successful: true, version: '1.0', advice: { reconnect: 'retry' } });
      expect(reply.clientId!.length).toBeGreaterThanOrEqual(27); // 160 bits, even in base64
      ids.add(reply.clientId!);
    }
    expect(ids.size).toBe(50);
  });

  it('[HS-2][HS-3] refuses a handshake without or with no common connection type', async () => {
    const { url, server: kuiper } = await startKuiper();
    const missing = await one(url, { channel: '/meta/handshake', version: '1.0' });
    expect(missing).toMatchObject({ successful: false, error: '400::connection_type_missing' });
    const hs = handshakeMessage(['carrier-pigeon']);
    const reply = replyTo(await bayeux(url, [hs]), hs.id);
    expect(reply).toMatchObject({
      channel: '/meta/handshake',
      successful: false,
      error: '400::connection_type_unsupported',
      advice: { reconnect: 'none' },
    });
    expect(reply.supportedConnectionTypes).toEqual(expect.arrayContaining(['long-polling', 'websocket']));
    expect(reply.clientId).toBeUndefined();
    expect(kuiper.stats().clients).toBe(0);
    await expectHealthy(url);
  });

  it('[HS-5] ignores messages batched with a handshake', async () => {
    const { url, server: kuiper } = await startKuiper();
    const received: unknown[] = [];
    onCleanup(kuiper.subscribe('/chat/**', (m) => received.push(m.channel)));
    const hs = handshakeMessage();
    const replies = await bayeux(url, [hs, { channel: '/chat/sneaky', data: { n: 1 }, id: msgId() }]);
    expect(replyTo(replies, hs.id).successful).toBe(true);
    await kuiper.publish('/chat/sentinel', { n: 2 });
    await eventually(() => expect(received).toContain('/chat/sentinel'));
    expect(received).toEqual(['/chat/sentinel']);
  });

  it('[CONN-2] returns a connect at once when it carries advice.timeout 0', async () => {
    const { url } = await startKuiper({ timeout: 15_000 });
    const clientId = await rawHandshake(url);
    const started = Date.now();
    const connect = immediateConnect(clientId);
    expect(replyTo(await bayeux(url, [connect]), connect.id)).toMatchObject({ channel: '/meta/connect', successful: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('message fields', () => {
  it('[CODEC-4] answers wrong-typed fields with the error naming the field', async () => {
    const { url } = await startKuiper();
    const clientId = await rawHandshake(url);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['400:clientId:message_invalid', { channel: '/meta/connect', clientId: 42, connectionType: 'long-polling' }],
      ['400:connectionType:message_invalid', { channel: '/meta/connect', clientId, connectionType: ['long-polling'] }],
      ['400:supportedConnectionTypes:message_invalid', { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: 'long-polling' }],
      ['400:ext:message_invalid', { channel: '/chat/a', clientId, data: 1, ext: 'x' }],
      ['400:advice:message_invalid', { channel: '/meta/connect', clientId, connectionType: 'long-polling', advice: 'soon' }],
      ['405::channel_invalid', { channel: 7, clientId, data: 1 }],
      ['405::subscription_invalid', { channel: '/meta/subscribe', clientId, subscription: 42 }],
      ['405::subscription_invalid', { channel: '/meta/subscribe', clientId, subscription: ['/chat/a', 1] }],
      ['400::channel_missing', { clientId, data: { n: 1 } }],
    ];
    for (const [error, message] of cases) {
      expect(await one(url, message), error).toMatchObject({ successful: false, error });
    }
    const badId = await bayeux(url, [{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: { x: 1 } }]);
    expect(badId).toEqual([expect.objectContaining({ successful: false, error: '405::message_id_invalid' })]);
    await expectHealthy(url);
  });

  it('[REPLY-1] echoes a numeric id exactly as sent', async () => {
    const { url } = await startKuiper();
    const replies = await bayeux(url, [{ ...handshakeMessage(), id: 12345 }]);
    expect(replies[0]).toMatchObject({ id: 12345, successful: true });
  });

  it('[CHAN-1][SUB-2] refuses invalid, meta and missing subscriptions, all or nothing', async () => {
    const { url, server: kuiper } = await startKuiper();
    const clientId = await rawHandshake(url);
    for (const subscription of ['/a/*/b', '/**/x', 'no-slash', '/a//b', '/a/b*']) {
      const reply = await one(url, { channel: '/meta/subscribe', clientId, subscription });
      expect(reply, subscription).toMatchObject({ channel: '/meta/subscribe', successful: false, error: '405::channel_invalid' });
    }
    for (const subscription of ['/meta/connect', '/meta/**']) {
      const reply = await one(url, { channel: '/meta/subscribe', clientId, subscription });
      expect(reply.error).toBe(`403:${subscription}:channel_forbidden`);
    }
    expect((await one(url, { channel: '/meta/subscribe', clientId })).error).toBe('400::subscription_missing');
    expect((await one(url, { channel: '/meta/subscribe', clientId, subscription: [] })).error).toBe('400::subscription_missing');
    const mixed = await one(url, { channel: '/meta/subscribe', clientId, subscription: ['/chat/ok', '/a/*/b'] });
    expect(mixed).toMatchObject({ successful: false, error: '405::channel_invalid' });
    expect(kuiper.stats().subscriptions).toBe(0);
    await expectHealthy(url);
  });

  it('[PUB-4][META-1] refuses a publish to a wildcard, invalid or meta channel, or without data', async () => {
    const { url } = await startKuiper();
    const clientId = await rawHandshake(url);
    for (const channel of ['/chat/*', '/chat/**', '/a//b', '/meta/custom', '/meta/subscribe/x']) {
      expect((await one(url, { channel, clientId, data: { n: 1 } })).error, channel).toBe('405::channel_invalid');
    }
    expect((await one(url, { channel: '/chat/a', clientId })).error).toBe('400:data:message_invalid');
    await expectHealthy(url);
  });

  it('[ENG-2] treats __proto__ keys as plain data and never pollutes Object.prototype', async () => {
    const { url, server: kuiper } = await startKuiper();
    const received: unknown[] = [];
    onCleanup(kuiper.subscribe('/chat/**', (m) => received.push(m.data)));
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    await bayeux(url, [{ channel: '/meta/subscribe', clientId, subscription: '/chat/__proto__', id: msgId() }]);
    const body =
      `[{"channel":"/chat/__proto__","clientId":"${clientId}","id":"p1","data":{"__proto__":{"polluted":1}},` +
      `"ext":{"__proto__":{"polluted":2}},"advice":{"__proto__":{"polluted":3}}}]`;
    expect((await rawPost(url, body)).status).toBe(200);
    await eventually(() => expect(received).toHaveLength(1));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const replies = await bayeux(url, [connectMessage(clientId)]);
    expect(replies.filter((m) => m.channel === '/chat/__proto__')).toHaveLength(1);
    await expectHealthy(url);
  });

  it('refuses deeply nested data without crashing, and delivers nothing', async () => {
    const { url, server: kuiper } = await startKuiper();
    const received: unknown[] = [];
    onCleanup(kuiper.subscribe('/chat/**', (m) => received.push(m.channel)));
    const clientId = await rawHandshake(url);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await rawPost(url, `[{"channel":"/chat/deep","clientId":"${clientId}","id":"deep","data":${deep}}]`);
    expect(res.status).toBeLessThan(500);
    expect(replyTo(res.json as WireMessage[], 'deep')).toMatchObject({ successful: false });
    await kuiper.publish('/chat/sentinel', {});
    await eventually(() => expect(received).toContain('/chat/sentinel'));
    expect(received).toEqual(['/chat/sentinel']);
    await expectHealthy(url);
  });
});
