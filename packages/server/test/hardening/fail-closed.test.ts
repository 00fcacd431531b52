// Rules that guard against mistakes rather than attacks: a policy hook that forgets to decide
// (SEC-8), a wide subscription the narrow authorizers do not see (SEC-8), and clientIds that are
// too long or forged (LIMIT-9). Spoken raw over long-polling.
import { describe, expect, it } from 'vitest';
import type { Decision, HandshakeDecision } from '../../src/core/security.js';
import { bayeux, handshakeMessage, msgId, rawHandshake, startKuiper, exchange } from '@kuiper/testkit';

/** What a JavaScript policy with a missing `return` (or a stray number) hands back. */
const undecided = [undefined, null, 1, ['yes'], {}] as unknown as Decision[];

describe('[SEC-8] policy hooks fail closed', () => {
  it.each(undecided)('a hook returning %j denies with no_decision on every operation', async (decision) => {
    let decide = true;
    const hook = (): Decision => (decide ? true : decision);
    const { url, server: kuiper } = await startKuiper({
      policy: {
        canHandshake: () => hook() as HandshakeDecision,
        canCreate: hook,
        canSubscribe: hook,
        canPublish: hook,
        checkSession: hook,
      },
    });
    const clientId = await rawHandshake(url);
    decide = false;
    expect(await exchange(url, handshakeMessage())).toMatchObject({ successful: false, error: '403:no_decision:handshake_denied' });
    // checkSession runs first on an established session; it fails closed and ends the session.
    expect(await exchange(url, { channel: '/meta/subscribe', clientId, subscription: '/a' })).toMatchObject({
      successful: false,
      error: '403:no_decision:session_expired',
      advice: { reconnect: 'handshake' },
    });
    expect(kuiper.stats().clients).toBe(0);
  });

  it('canCreate, canSubscribe and canPublish that do not decide deny with no_decision', async () => {
    const silent = (() => undefined) as unknown as () => Decision;
    const { url, server: kuiper } = await startKuiper({ policy: { canCreate: silent } });
    const a = await rawHandshake(url);
    expect(await exchange(url, { channel: '/meta/subscribe', clientId: a, subscription: '/new' })).toMatchObject({
      successful: false,
      error: '403:no_decision:create_denied',
    });
    kuiper.setPersistent('/kept');
    const b = await startKuiper({ policy: { canSubscribe: silent, canPublish: silent } });
    const c = await rawHandshake(b.url);
    expect(await exchange(b.url, { channel: '/meta/subscribe', clientId: c, subscription: '/x' })).toMatchObject({
      successful: false,
      error: '403:no_decision:subscribe_denied',
    });
    expect(await exchange(b.url, { channel: '/x', clientId: c, data: 1 })).toMatchObject({
      successful: false,
      error: '403:no_decision:publish_denied',
    });
  });

  it('a wide subscription is authorized on its own pattern: /private/** authorizers do not see /**', async () => {
    const { url, server: kuiper } = await startKuiper();
    const seen: string[] = [];
    kuiper.authorize('/private/**', (op, channel) => (seen.push(`${op} ${channel}`), 'deny'));
    const a = await rawHandshake(url);
    await bayeux(url, [{ channel: '/meta/connect', clientId: a, connectionType: 'long-polling', advice: { timeout: 0 }, id: msgId() }]);
    expect(await exchange(url, { channel: '/meta/subscribe', clientId: a, subscription: '/private/a' })).toMatchObject({
      successful: false,
      error: '403:denied_by_authorizer:create_denied',
    });
    // Documented, not a bug: the wide pattern is checked as itself, so it is let through and
    // receives what the server publishes on /private channels.
    expect((await exchange(url, { channel: '/meta/subscribe', clientId: a, subscription: '/**' })).successful).toBe(true);
    expect(seen).toEqual(['create /private/a']);
    await kuiper.publish('/private/a', { secret: 1 });
    const replies = await bayeux(url, [{ channel: '/meta/connect', clientId: a, connectionType: 'long-polling', id: msgId() }]);
    expect(replies.filter((m) => m.channel === '/private/a').map((m) => m.data)).toEqual([{ secret: 1 }]);
    // The remedy the rule names: an authorizer on the wide pattern too.
    kuiper.authorize('/**', (_op, channel) => (channel === '/**' ? 'deny' : 'ignore'));
    const b = await rawHandshake(url);
    expect(await exchange(url, { channel: '/meta/subscribe', clientId: b, subscription: '/**' })).toMatchObject({ successful: false });
  });
});

describe('[LIMIT-9] clientIds', () => {
  it('a clientId longer than 128 characters is refused as invalid; 128 is looked up (402)', async () => {
    const { url } = await startKuiper();
    for (const channel of ['/meta/connect', '/meta/subscribe', '/chat/a']) {
      const long = { channel, clientId: 'a'.repeat(129), connectionType: 'long-polling', subscription: '/x', data: 1 };
      expect(await exchange(url, long)).toMatchObject({ channel, successful: false, error: '400:clientId:message_invalid' });
      const limit = { ...long, clientId: 'a'.repeat(128) };
      expect(await exchange(url, limit)).toMatchObject({ channel, successful: false, error: '402::session_unknown' });
    }
  });

  it('the rate limiter keeps no bucket for a session that does not exist: a forged id is never rate limited', async () => {
    const { url } = await startKuiper({ limits: { publishRate: { perSecond: 1, burst: 1 } } });
    const forged = 'f'.repeat(40);
    // Were a bucket kept for it, the second publish would find it empty and get 429.
    for (let i = 0; i < 3; i++) {
      expect(await exchange(url, { channel: '/chat/a', clientId: forged, data: i })).toMatchObject({ error: '402::session_unknown' });
    }
    const real = await rawHandshake(url);
    expect((await exchange(url, { channel: '/chat/a', clientId: real, data: 1 })).successful).toBe(true);
    expect(await exchange(url, { channel: '/chat/a', clientId: real, data: 2 })).toMatchObject({ error: '429:1:rate_limited' });
  });
});
