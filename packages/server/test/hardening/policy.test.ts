// Security policy and channel authorizers (issue 5, SEC-*): every decision, its 403 reason on the
// wire, credentials carried from the handshake into later checks, and a session that expires.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import type { SessionInfo } from '../../src/core/security.js';
import {
  cleanup,
  bayeux,
  eventually,
  expectHealthy,
  handshakeMessage,
  immediateConnect,
  msgId,
  replyTo,
  type WireMessage,
} from '@kuiper/testkit';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';
import { startHardened } from './support.js';

async function send(url: string, message: WireMessage): Promise<WireMessage> {
  const m = { ...message, id: msgId() };
  return replyTo(await bayeux(url, [m]), m.id);
}

async function handshake(url: string, ext?: Record<string, unknown>): Promise<WireMessage> {
  return send(url, { ...handshakeMessage(), ...(ext ? { ext } : {}) });
}

async function session(url: string, ext?: Record<string, unknown>): Promise<string> {
  const reply = await handshake(url, ext);
  expect(reply.successful, JSON.stringify(reply)).toBe(true);
  return reply.clientId as string;
}

const sub = (clientId: string, subscription: string | string[]): WireMessage => ({ channel: '/meta/subscribe', clientId, subscription });
const pub = (clientId: string, channel: string, data: unknown = {}): WireMessage => ({ channel, clientId, data });

describe('security policy', () => {
  it('[SEC-1] a denied handshake gets 403:<reason>:handshake_denied and reconnect:none', async () => {
    const { url } = await startHardened(cleanup, {
      policy: { canHandshake: (m) => (m.ext?.['token'] === 'ok' ? true : m.ext?.['token'] === undefined ? false : 'bad_token') },
    });
    expect(await handshake(url, { token: 'nope' })).toMatchObject({
      channel: '/meta/handshake', successful: false, error: '403:bad_token:handshake_denied', advice: { reconnect: 'none' },
    });
    expect(await handshake(url)).toMatchObject({ successful: false, error: '403::handshake_denied', advice: { reconnect: 'none' } });
    expect((await handshake(url, { token: 'ok' })).successful).toBe(true);
  });

  it.each<CometdTransport>(['long-polling', 'websocket'])('[SEC-1] a real cometd client over %s stops after a denied handshake', async (transport) => {
    let asked = 0;
    // Raw helper sessions (ids `t…`) are let in, so the server's health can be checked meanwhile.
    const { url } = await startHardened(cleanup, {
      policy: { canHandshake: (m) => (String(m.id).startsWith('t') ? true : (asked++, 'closed_for_maintenance')) },
    });
    const client = createCometD(cleanup, url, transport);
    client.cometd.configure({ url, backoffIncrement: 10, maxBackoff: 50 });
    const handshakes: Message[] = [];
    client.cometd.addListener('/meta/handshake', (m) => handshakes.push(m));
    const reply = await client.handshake();
    expect(reply).toMatchObject({ successful: false, error: '403:closed_for_maintenance:handshake_denied' });
    await eventually(() => expect(client.cometd.isDisconnected()).toBe(true));
    // Many backoff periods (10 ms) pass in these full sessions; a looping client would show up in `asked`.
    for (let i = 0; i < 3; i++) await expectHealthy(url);
    expect(client.cometd.getStatus()).toBe('disconnected');
    expect(asked).toBe(1);
    expect(handshakes.length).toBe(1);
  });

  it('[SEC-2] canSubscribe and canPublish deny with their reason; a denied publish is not delivered', async () => {
    const { url } = await startHardened(cleanup, {
      policy: {
        canSubscribe: (_s, channel) => (channel.startsWith('/private/') ? 'not_your_channel' : true),
        canPublish: async (_s, channel, m) => (channel === '/chat/ro' ? false : (m.data as { bad?: boolean })?.bad ? 'bad_words' : true),
      },
    });
    const a = await session(url);
    expect(await send(url, sub(a, '/private/x'))).toMatchObject({ successful: false, error: '403:not_your_channel:subscribe_denied', subscription: '/private/x' });
    // [SUB-2] all or nothing: one denied pattern fails the whole array.
    expect(await send(url, sub(a, ['/chat/ro', '/private/y']))).toMatchObject({ successful: false, error: '403:not_your_channel:subscribe_denied' });
    expect((await send(url, sub(a, '/chat/ro'))).successful).toBe(true);
    await send(url, immediateConnect(a));

    const b = await session(url);
    expect(await send(url, pub(b, '/chat/ro'))).toMatchObject({ channel: '/chat/ro', successful: false, error: '403::publish_denied' });
    expect(await send(url, pub(b, '/chat/rw', { bad: true }))).toMatchObject({ successful: false, error: '403:bad_words:publish_denied' });
    expect((await send(url, pub(b, '/chat/rw', { n: 1 }))).successful).toBe(true);
    // Nothing reached the subscriber of /chat/ro: its next connect has nothing but the reply.
    const replies = await bayeux(url, [immediateConnect(a)]);
    expect(replies.filter((m) => m.channel !== '/meta/connect')).toEqual([]);
  });

  it('[SEC-2] canCreate guards channels that do not exist yet, and only those', async () => {
    const created: string[] = [];
    const { url, kuiper } = await startHardened(cleanup, {
      policy: { canCreate: (_s, channel) => (channel.startsWith('/new/') ? 'no_new_channels' : (created.push(channel), true)) },
    });
    kuiper.setPersistent('/new/existing');
    const a = await session(url);
    expect(await send(url, sub(a, '/new/x'))).toMatchObject({ successful: false, error: '403:no_new_channels:create_denied' });
    expect(await send(url, pub(a, '/new/y'))).toMatchObject({ successful: false, error: '403:no_new_channels:create_denied' });
    expect((await send(url, sub(a, '/new/existing'))).successful).toBe(true);
    expect((await send(url, pub(a, '/new/existing'))).successful).toBe(true);
    expect((await send(url, sub(a, '/old/z'))).successful).toBe(true);
    expect(created).toEqual(['/old/z']);
    expect(await kuiper.engine.hasChannel('/new/x')).toBe(false);
    expect(await kuiper.engine.hasChannel('/new/y')).toBe(false);
  });

  it('[SEC-2][SEC-3] canPublish and authorizers guard /service channels too (a service call is a publish)', async () => {
    const { url, kuiper } = await startHardened(cleanup, {
      policy: { canPublish: (_s, channel) => (channel === '/service/admin' ? 'admins_only' : true) },
    });
    let called = 0;
    kuiper.addService('/service/admin', () => (called++, 'secret'));
    kuiper.addService('/service/vault', () => (called++, 'gold'));
    kuiper.authorize('/service/vault', () => ({ deny: 'vault_closed' }));
    const a = await session(url);
    expect(await send(url, pub(a, '/service/admin'))).toMatchObject({ successful: false, error: '403:admins_only:publish_denied' });
    expect(await send(url, pub(a, '/service/vault'))).toMatchObject({ successful: false, error: '403:vault_closed:publish_denied' });
    expect(called).toBe(0);
  });

  it('[SEC-2] a policy hook that throws gives 500::server_error, and the server keeps serving', async () => {
    const { url } = await startHardened(cleanup, {
      policy: {
        canPublish: (_s, channel) => {
          if (channel === '/boom') throw new Error('policy bug');
          return true;
        },
      },
    });
    const a = await session(url);
    expect(await send(url, pub(a, '/boom'))).toMatchObject({ channel: '/boom', successful: false, error: '500::server_error' });
    await expectHealthy(url);
  });
});

describe('channel authorizers', () => {
  it('[SEC-3] grant allows, ignore alone is denied, any deny wins, {deny} carries its reason', async () => {
    const { url, kuiper } = await startHardened(cleanup);
    kuiper.authorize('/open/**', () => 'grant');
    kuiper.authorize('/quiet/**', () => 'ignore');
    kuiper.authorize('/mixed/**', () => 'grant');
    kuiper.authorize('/mixed/*', () => 'ignore');
    kuiper.authorize('/mixed/locked', () => 'deny');
    kuiper.authorize('/vip/**', (op, _channel, s) => (op === 'publish' && (s.data as { vip?: boolean } | undefined)?.vip !== true ? { deny: 'vip_only' } : 'grant'));
    const a = await session(url);

    expect((await send(url, sub(a, '/open/a'))).successful).toBe(true);
    expect((await send(url, pub(a, '/open/a'))).successful).toBe(true);
    expect(await send(url, sub(a, '/quiet/a'))).toMatchObject({ successful: false, error: '403:not_granted:create_denied' });
    kuiper.setPersistent('/quiet/a');
    expect(await send(url, sub(a, '/quiet/a'))).toMatchObject({ successful: false, error: '403:not_granted:subscribe_denied' });
    expect(await send(url, pub(a, '/quiet/a'))).toMatchObject({ successful: false, error: '403:not_granted:publish_denied' });
    expect((await send(url, sub(a, '/mixed/free'))).successful).toBe(true);
    expect(await send(url, sub(a, '/mixed/locked'))).toMatchObject({ successful: false, error: '403:denied_by_authorizer:create_denied' });
    kuiper.setPersistent('/mixed/locked');
    expect(await send(url, sub(a, '/mixed/locked'))).toMatchObject({ successful: false, error: '403:denied_by_authorizer:subscribe_denied' });
    expect((await send(url, sub(a, '/vip/lounge'))).successful).toBe(true);
    expect(await send(url, pub(a, '/vip/lounge'))).toMatchObject({ successful: false, error: '403:vip_only:publish_denied' });
    // A channel no authorizer covers is allowed.
    expect((await send(url, pub(a, '/elsewhere'))).successful).toBe(true);
  });
});

describe('credentials and re-checks', () => {
  it('[SEC-4] handshake ext credentials become session data that canPublish sees later', async () => {
    const seen: SessionInfo[] = [];
    const { url } = await startHardened(cleanup, {
      policy: {
        canHandshake: (m) => {
          const auth = m.ext?.['auth'] as { token?: unknown } | undefined;
          return typeof auth?.token === 'string' && auth.token.startsWith('user:') ? { data: { user: auth.token.slice(5) } } : 'bad_credentials';
        },
        canPublish: (s, channel) => (seen.push(s), channel === `/user/${(s.data as { user: string }).user}` ? true : 'not_your_inbox'),
      },
    });
    expect(await handshake(url, { auth: { token: 'guest' } })).toMatchObject({ error: '403:bad_credentials:handshake_denied' });
    const alice = await session(url, { auth: { token: 'user:alice' } });
    expect((await send(url, pub(alice, '/user/alice'))).successful).toBe(true);
    expect(await send(url, pub(alice, '/user/bob'))).toMatchObject({ successful: false, error: '403:not_your_inbox:publish_denied' });
    expect(seen.map((s) => [s.clientId, s.data])).toEqual([[alice, { user: 'alice' }], [alice, { user: 'alice' }]]);
  });

  it('[SEC-4] an expired token ends the session with 403:<reason>:session_expired on its next message', async () => {
    let now = 1_000;
    const removed: string[] = [];
    const { url, kuiper } = await startHardened(cleanup, {
      policy: {
        canHandshake: (m) => ({ data: { expires: Number(m.ext?.['expires']) } }),
        checkSession: (s) => ((s.data as { expires: number }).expires > now ? true : 'token_expired'),
      },
    });
    kuiper.on('session:removed', (e) => removed.push(e.reason));
    const a = await session(url, { expires: 2_000 });
    expect((await send(url, sub(a, '/news'))).successful).toBe(true);
    expect((await send(url, immediateConnect(a))).successful).toBe(true);
    now = 3_000;
    expect(await send(url, pub(a, '/news'))).toMatchObject({
      channel: '/news', successful: false, error: '403:token_expired:session_expired', advice: { reconnect: 'handshake' },
    });
    expect(removed).toEqual(['policy']);
    expect(kuiper.stats()).toMatchObject({ clients: 0, subscriptions: 0 });
    expect(await send(url, immediateConnect(a))).toMatchObject({ successful: false, error: '402::session_unknown' });

    // The same check on connect and subscribe.
    const b = await session(url, { expires: 4_000 });
    const c = await session(url, { expires: 4_000 });
    now = 5_000;
    expect(await send(url, immediateConnect(b))).toMatchObject({ error: '403:token_expired:session_expired' });
    expect(await send(url, sub(c, '/news'))).toMatchObject({ error: '403:token_expired:session_expired' });
  });

  it.each<CometdTransport>(['long-polling', 'websocket'])('[SEC-4][SEC-1] over %s a cometd client whose token expired re-handshakes, is refused, and stops', async (transport) => {
    let valid = true;
    let asked = 0;
    const { url, kuiper } = await startHardened(cleanup, {
      timeout: 200,
      policy: {
        canHandshake: () => (asked++, valid ? { data: {} } : 'token_expired'),
        checkSession: () => (valid ? true : 'token_expired'),
      },
    });
    const client = createCometD(cleanup, url, transport);
    client.cometd.configure({ url, backoffIncrement: 10, maxBackoff: 50 });
    const failures: Message[] = [];
    client.cometd.addListener('/meta/unsuccessful', (m) => failures.push(m));
    expect((await client.handshake()).successful).toBe(true);
    valid = false;
    await eventually(() => expect(client.cometd.isDisconnected()).toBe(true));
    const errors = failures.map((m) => m.error);
    expect(errors).toContain('403:token_expired:session_expired');
    expect(errors).toContain('403:token_expired:handshake_denied');
    expect(asked).toBe(2);
    expect(kuiper.stats().clients).toBe(0);
  });
});
