// Bad input over raw long-polling HTTP: each case asserts what the sender sees, then proves a
// well-behaved client is still served.
import { describe, it, expect, afterEach } from 'vitest';
import {
  Cleanup,
  eventually,
  startServer,
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
} from '../helpers/server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function firstError(json: unknown): string | undefined {
  return Array.isArray(json) ? (json[0] as WireMessage | undefined)?.error : undefined;
}

describe('malformed bodies', () => {
  it('answers malformed JSON with HTTP 400 and a 400 error message', async () => {
    const { url } = await startServer(cleanup);
    const res = await rawPost(url, '[{"channel":"/meta/handshake",');
    expect(res.status).toBe(400);
    expect(firstError(res.json)).toMatch(/^400:/);
    expect((res.json as WireMessage[])[0]!.successful).toBe(false);
    await expectHealthy(url);
  });

  it('answers a JSON body that is not a message or array of messages with 400', async () => {
    const { url } = await startServer(cleanup);
    for (const body of ['42', '"hello"', 'null', '[1,2]', '[null]']) {
      const res = await rawPost(url, body);
      // Either the whole request is refused, or each entry gets a 400 error reply.
      if (res.status === 200) expect(firstError(res.json), body).toMatch(/^400:/);
      else expect(res.status, body).toBe(400);
    }
    await expectHealthy(url);
  });

  it('[HTTP-3] answers a body over maxBodyBytes with HTTP 413', async () => {
    const { url } = await startServer(cleanup, { maxBodyBytes: 1024 });
    const hs = { ...handshakeMessage(), ext: { padding: 'x'.repeat(4096) } };
    const res = await rawPost(url, JSON.stringify([hs]));
    expect(res.status).toBe(413);
    // Just under the limit is fine.
    const small = await rawPost(url, JSON.stringify([{ ...handshakeMessage(), ext: { padding: 'x'.repeat(500) } }]));
    expect(small.status).toBe(200);
    await expectHealthy(url);
  });

  it('accepts a single message object and a form-encoded message= body', async () => {
    const { url } = await startServer(cleanup);
    const single = await rawPost(url, JSON.stringify(handshakeMessage()));
    expect(single.status).toBe(200);
    expect((single.json as WireMessage[])[0]).toMatchObject({ channel: '/meta/handshake', successful: true });

    const form = new URLSearchParams({ message: JSON.stringify([handshakeMessage()]) }).toString();
    const formRes = await rawPost(url, form, 'application/x-www-form-urlencoded');
    expect(formRes.status).toBe(200);
    expect((formRes.json as WireMessage[])[0]).toMatchObject({ channel: '/meta/handshake', successful: true });
  });

  it('serves the cometd sub-paths and nothing outside the mount', async () => {
    const { url, port } = await startServer(cleanup);
    for (const sub of ['/handshake', '/connect', '/disconnect', '/']) {
      const hs = handshakeMessage();
      const replies = await bayeux(url + sub, [hs]);
      expect(replyTo(replies, hs.id).successful, sub).toBe(true);
    }
    const outside = await rawPost(`http://127.0.0.1:${port}/elsewhere`, JSON.stringify([handshakeMessage()]));
    expect(outside.status).toBe(404);
  });
});

describe('bad messages', () => {
  it('[SESS-1] answers an unknown clientId with 402::session_unknown and handshake advice', async () => {
    const { url } = await startServer(cleanup);
    const ghost = 'not-a-real-client-id';
    const connect = connectMessage(ghost);
    const reply = replyTo(await bayeux(url, [connect]), connect.id);
    expect(reply).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '402::session_unknown',
      advice: { reconnect: 'handshake', interval: 0 },
    });

    const sub = { channel: '/meta/subscribe', clientId: ghost, subscription: '/chat/a', id: msgId() };
    const pub = { channel: '/chat/a', clientId: ghost, data: { n: 1 }, id: msgId() };
    const replies = await bayeux(url, [sub, pub]);
    expect(replyTo(replies, sub.id)).toMatchObject({ successful: false, error: '402::session_unknown' });
    expect(replyTo(replies, pub.id)).toMatchObject({ successful: false, error: '402::session_unknown' });
    await expectHealthy(url);
  });

  it('answers a message without a channel with 400::channel_missing', async () => {
    const { url } = await startServer(cleanup);
    const clientId = await rawHandshake(url);
    const id = msgId();
    const replies = await bayeux(url, [{ clientId, data: { n: 1 }, id }]);
    expect(replyTo(replies, id)).toMatchObject({ successful: false, error: '400::channel_missing' });
    await expectHealthy(url);
  });

  it('refuses a subscription to an invalid pattern with 405::channel_invalid', async () => {
    const { url } = await startServer(cleanup);
    const clientId = await rawHandshake(url);
    for (const subscription of ['/a/*/b', '/**/x', 'no-slash', '/a//b']) {
      const sub = { channel: '/meta/subscribe', clientId, subscription, id: msgId() };
      const reply = replyTo(await bayeux(url, [sub]), sub.id);
      expect(reply, subscription).toMatchObject({
        channel: '/meta/subscribe',
        successful: false,
        error: '405::channel_invalid',
      });
    }
    await expectHealthy(url);
  });

  it('refuses a publish to a wildcard or meta channel', async () => {
    const { url } = await startServer(cleanup);
    const clientId = await rawHandshake(url);
    for (const channel of ['/chat/*', '/chat/**', '/meta/custom']) {
      const id = msgId();
      const reply = replyTo(await bayeux(url, [{ channel, clientId, data: { n: 1 }, id }]), id);
      expect(reply.successful, channel).toBe(false);
      expect(reply.error, channel).toMatch(/^40\d:/);
    }
    await expectHealthy(url);
  });

  it('answers wrong-typed fields with 400:<field>:message_invalid', async () => {
    const { url } = await startServer(cleanup);
    const clientId = await rawHandshake(url);
    // The args part of `code:args:message` may name the offending field, and only that field.
    const cases: Array<[string, WireMessage]> = [
      ['clientId', { channel: '/meta/connect', clientId: 42 as unknown as string, connectionType: 'long-polling', id: msgId() }],
      [
        'supportedConnectionTypes',
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: 'long-polling' as unknown as string[], id: msgId() },
      ],
      ['advice', { channel: '/meta/connect', clientId, connectionType: 'long-polling', advice: 'soon' as unknown as WireMessage['advice'], id: msgId() }],
    ];
    for (const [field, message] of cases) {
      const reply = replyTo(await bayeux(url, [message]), message.id);
      expect(reply.successful, field).toBe(false);
      expect(reply.error, field).toMatch(new RegExp(`^400:(${field})?:message_invalid$`));
    }
    await expectHealthy(url);
  });

  it('refuses a non-string subscription and a malformed id with 405', async () => {
    const { url } = await startServer(cleanup);
    const clientId = await rawHandshake(url);
    const sub = { channel: '/meta/subscribe', clientId, subscription: 42, id: msgId() };
    expect(replyTo(await bayeux(url, [sub]), sub.id)).toMatchObject({ successful: false, error: '405::subscription_invalid' });
    const badId = { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: { x: 1 } };
    const replies = await bayeux(url, [badId]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ successful: false, error: '405::message_id_invalid' });
    await expectHealthy(url);
  });

  it('does not let __proto__ keys in messages reach Object.prototype', async () => {
    const { url, kuiper } = await startServer(cleanup);
    const received: unknown[] = [];
    cleanup.add(kuiper.subscribe('/chat/**', (m) => received.push(m.data)));
    const clientId = await rawHandshake(url);
    const body =
      `[{"channel":"/chat/p","clientId":"${clientId}","id":"p1","data":{"__proto__":{"polluted":1}},` +
      `"ext":{"__proto__":{"polluted":2}},"advice":{"__proto__":{"polluted":3}}}]`;
    const res = await rawPost(url, body);
    expect(res.status).toBe(200);
    await eventually(() => expect(received).toHaveLength(1));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    await expectHealthy(url);
  });

  it('[HS-3] refuses a handshake with no common connection type', async () => {
    const { url, kuiper } = await startServer(cleanup);
    const hs = handshakeMessage(['carrier-pigeon']);
    const reply = replyTo(await bayeux(url, [hs]), hs.id);
    expect(reply).toMatchObject({ channel: '/meta/handshake', successful: false });
    expect(reply.error).toMatch(/^4\d\d:/);
    expect(reply.clientId).toBeUndefined();
    expect(kuiper.stats().clients).toBe(0);
    await expectHealthy(url);
  });

  it('[HS-5] ignores messages batched with a handshake', async () => {
    const { url, kuiper } = await startServer(cleanup);
    const received: unknown[] = [];
    cleanup.add(kuiper.subscribe('/chat/**', (m) => received.push(m)));
    const hs = handshakeMessage();
    const replies = await bayeux(url, [hs, { channel: '/chat/sneaky', data: { n: 1 }, id: msgId() }]);
    expect(replyTo(replies, hs.id).successful).toBe(true);
    await kuiper.publish('/chat/sentinel', { n: 2 });
    await eventually(() => expect(received).not.toHaveLength(0));
    expect(received).toEqual([expect.objectContaining({ channel: '/chat/sentinel' })]);
    await expectHealthy(url);
  });

  it('[CONN-2] returns the first connect at once when it carries advice.timeout 0', async () => {
    const { url } = await startServer(cleanup, { timeout: 15_000 });
    const clientId = await rawHandshake(url);
    const started = Date.now();
    const connect = immediateConnect(clientId);
    const reply = replyTo(await bayeux(url, [connect]), connect.id);
    expect(reply).toMatchObject({ channel: '/meta/connect', successful: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
