// callback-polling (JSONP) spoken raw: GET ?message=...&jsonp=name.
import { describe, it, expect } from 'vitest';
import {
  startKuiper,
  rawGet,
  handshakeMessage,
  replyTo,
  expectHealthy,
  msgId,
  type RawResponse,
  type WireMessage,
} from '@kuiper/testkit';

function jsonpUrl(url: string, messages: WireMessage[], jsonp?: string): string {
  const query = new URLSearchParams({ message: JSON.stringify(messages) });
  if (jsonp !== undefined) query.set('jsonp', jsonp);
  return `${url}?${query.toString()}`;
}

/** Checks the JSONP framing and returns the message array passed to the callback. */
function unwrap(res: RawResponse, callback: string): WireMessage[] {
  expect(res.status).toBe(200);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-type')).toMatch(/javascript/);
  const prefix = `/**/${callback}(`;
  expect(res.text.startsWith(prefix), res.text).toBe(true);
  const match = /^\/\*\*\/[\w$.]+\(([\s\S]*)\);?\s*$/.exec(res.text);
  expect(match, res.text).not.toBeNull();
  return JSON.parse(match![1]!) as WireMessage[];
}

async function jsonp(url: string, messages: WireMessage[], callback = 'cb'): Promise<WireMessage[]> {
  return unwrap(await rawGet(jsonpUrl(url, messages, callback)), callback);
}

describe('callback-polling', () => {
  it('[HTTP-6] handshakes with GET and wraps the reply as /**/cb([...]) with nosniff', async () => {
    const { url } = await startKuiper();
    const hs = handshakeMessage(['callback-polling']);
    const reply = replyTo(await jsonp(url, [hs]), hs.id);
    expect(reply).toMatchObject({ channel: '/meta/handshake', successful: true, version: '1.0' });
    expect(reply.clientId).toEqual(expect.any(String));
    expect(reply.supportedConnectionTypes).toEqual(expect.arrayContaining(['long-polling', 'callback-polling']));
  });

  it('[HTTP-4] uses the spec default callback name jsonpcallback when jsonp is absent', async () => {
    const { url } = await startKuiper();
    const hs = handshakeMessage(['callback-polling']);
    const res = await rawGet(jsonpUrl(url, [hs]));
    expect(replyTo(unwrap(res, 'jsonpcallback'), hs.id).successful).toBe(true);
  });

  it('runs a whole session: connect, subscribe, and a held connect that carries the delivery first', async () => {
    const { url, server: kuiper } = await startKuiper();
    const hs = handshakeMessage(['callback-polling']);
    const clientId = replyTo(await jsonp(url, [hs]), hs.id).clientId!;
    const first = { channel: '/meta/connect', clientId, connectionType: 'callback-polling', advice: { timeout: 0 }, id: msgId() };
    expect(replyTo(await jsonp(url, [first]), first.id).successful).toBe(true);
    const sub = { channel: '/meta/subscribe', clientId, subscription: '/chat/jsonp', id: msgId() };
    expect(replyTo(await jsonp(url, [sub]), sub.id)).toMatchObject({ channel: '/meta/subscribe', successful: true });

    const held = { channel: '/meta/connect', clientId, connectionType: 'callback-polling', id: msgId() };
    const pending = jsonp(url, [held]);
    await kuiper.publish('/chat/jsonp', { n: 1 });
    const replies = await pending;
    const deliveryIndex = replies.findIndex((m) => m.channel === '/chat/jsonp');
    expect(deliveryIndex).toBeGreaterThanOrEqual(0);
    expect(replies[deliveryIndex]!.data).toEqual({ n: 1 });
    expect(replies.findIndex((m) => m.id === held.id)).toBeGreaterThan(deliveryIndex);
  });

  it('[HTTP-5] refuses an invalid callback name with HTTP 400 and does not echo it', async () => {
    const { url } = await startKuiper();
    for (const name of ['alert(1)//', '<script>', 'a b', '1abc']) {
      const res = await rawGet(jsonpUrl(url, [handshakeMessage(['callback-polling'])], name));
      expect(res.status, name).toBe(400);
      expect(res.text, name).not.toContain(name);
      expect(res.json, name).toEqual([expect.objectContaining({ successful: false, error: '400::jsonp_invalid' })]);
    }
    await expectHealthy(url);
  });

  it('[CODEC-2] answers malformed message= JSON with 400::body_invalid', async () => {
    const { url } = await startKuiper();
    const res = await rawGet(`${url}?message=${encodeURIComponent('[{"channel":')}&jsonp=cb`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('400::body_invalid');
    await expectHealthy(url);
  });
});
