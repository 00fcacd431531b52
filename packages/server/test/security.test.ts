import { afterEach, describe, expect, it } from 'vitest';
import { Authorizers, type SecurityPolicy } from '../src/core/security.js';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
afterEach(() => h?.close());

const hsWith = (ext: Record<string, unknown>) => ({
  channel: '/meta/handshake',
  version: '1.0',
  supportedConnectionTypes: ['long-polling'],
  ext,
});

describe('security policy', () => {
  it('[SEC-1] a refused handshake says why and advises reconnect none; an allowed one carries data', async () => {
    const policy: SecurityPolicy = {
      canHandshake: (m) => (m.ext?.['token'] === 'good' ? { data: { user: 'ada' } } : 'bad_token'),
      canPublish: (session) => (session.data as { user: string }).user === 'ada',
    };
    h = harness({ policy });
    const [denied] = await h.send(hsWith({ token: 'nope' }));
    expect(denied).toMatchObject({ successful: false, error: '403:bad_token:handshake_denied', advice: { reconnect: 'none' } });
    expect(h.engine.stats().clients).toBe(0);
    const [ok] = await h.send(hsWith({ token: 'good' }));
    expect(ok?.successful).toBe(true);
    expect(await h.engine.sessionData(ok?.clientId as string)).toEqual({ user: 'ada' });
    expect((await h.send({ channel: '/a', clientId: ok?.clientId, data: 1 }))[0]?.successful).toBe(true);
  });

  it('[SEC-2] create, subscribe and publish refusals carry their reason', async () => {
    const policy: SecurityPolicy = {
      canCreate: (_s, channel) => (channel.startsWith('/new/') ? 'no_new_channels' : true),
      canSubscribe: (_s, channel) => channel !== '/secret',
      canPublish: (_s, channel) => (channel === '/readonly' ? 'read_only' : true),
    };
    h = harness({ policy });
    const id = await h.handshake();
    const first = async (m: Record<string, unknown>) => (await h.send({ clientId: id, ...m } as never))[0]?.error;
    expect(await first({ channel: '/meta/subscribe', subscription: '/secret' })).toBe('403::subscribe_denied');
    expect(await first({ channel: '/meta/subscribe', subscription: '/new/x' })).toBe('403:no_new_channels:create_denied');
    expect(await first({ channel: '/readonly', data: 1 })).toBe('403:read_only:publish_denied');
    expect(await first({ channel: '/fine', data: 1 })).toBeUndefined();
  });

  it('[SEC-2] with no canCreate hook and no authorizer, a publish or subscribe does not ask the engine whether the channel exists', async () => {
    h = harness({ policy: { canPublish: () => true } });
    const id = await h.handshake();
    const asked: string[] = [];
    const hasChannel = h.engine.hasChannel.bind(h.engine);
    h.engine.hasChannel = (channel) => {
      asked.push(channel);
      return hasChannel(channel);
    };
    expect((await h.send({ channel: '/meta/subscribe', clientId: id, subscription: '/quiet' } as never))[0]?.successful).toBe(true);
    expect((await h.send({ channel: '/quiet/new', clientId: id, data: 1 } as never))[0]?.successful).toBe(true);
    expect(asked).toEqual([]);
    // An authorizer may refuse a creation: from then on the engine is asked again.
    const authorizers = new Authorizers();
    authorizers.add('/**', (op) => (op === 'create' ? { deny: 'closed' } : 'grant'));
    await h.close();
    h = harness({ authorizers });
    const other = await h.handshake();
    h.engine.hasChannel = (channel) => {
      asked.push(channel);
      return Promise.resolve(false);
    };
    expect((await h.send({ channel: '/fresh', clientId: other, data: 1 } as never))[0]?.error).toBe('403:closed:create_denied');
    expect(asked).toEqual(['/fresh']);
  });

  it('[SEC-3] authorizers: any deny wins; all-ignore is a deny; no authorizer allows', async () => {
    const authorizers = new Authorizers();
    authorizers.add('/room/**', (op) => (op === 'subscribe' || op === 'create' ? 'grant' : 'ignore'));
    authorizers.add('/room/banned', () => ({ deny: 'banned' }));
    h = harness({ authorizers });
    const id = await h.handshake();
    const err = async (m: Record<string, unknown>) => (await h.send({ clientId: id, ...m } as never))[0]?.error;
    expect(await err({ channel: '/meta/subscribe', subscription: '/room/a' })).toBeUndefined();
    expect(await err({ channel: '/meta/subscribe', subscription: '/room/banned' })).toBe('403:banned:create_denied');
    expect(await err({ channel: '/room/a', data: 1 })).toBe('403:not_granted:publish_denied');
    expect(await err({ channel: '/elsewhere', data: 1 })).toBeUndefined();
  });

  it('[SEC-4] checkSession ends an expired session with a clear error', async () => {
    let now = 0;
    const policy: SecurityPolicy = {
      canHandshake: () => ({ data: { expires: 100 } }),
      checkSession: (s) => (now < (s.data as { expires: number }).expires ? true : 'token_expired'),
    };
    h = harness({ policy });
    const id = await h.handshake();
    expect((await h.send({ channel: '/a', clientId: id, data: 1 }))[0]?.successful).toBe(true);
    now = 200;
    const [reply] = await h.send({ channel: '/meta/connect', clientId: id, connectionType: 'long-polling' });
    expect(reply).toMatchObject({ successful: false, error: '403:token_expired:session_expired', advice: { reconnect: 'handshake' } });
    expect(h.events).toContainEqual({ type: 'session:removed', clientId: id, reason: 'policy' });
  });

  it('[LIMIT-2][LIMIT-3][SVC-2] message size, subscription count and unknown services', async () => {
    h = harness({ limits: { maxMessageBytes: 100, maxSubscriptions: 2 } });
    const id = await h.handshake();
    const err = async (m: Record<string, unknown>) => (await h.send({ clientId: id, ...m } as never))[0]?.error;
    expect(await err({ channel: '/a', data: 'x'.repeat(200) })).toBe('413:100:message_too_large');
    expect(await err({ channel: '/meta/subscribe', subscription: ['/a', '/b', '/c'] })).toBe('403:2:subscriptions_exceeded');
    expect(await err({ channel: '/meta/subscribe', subscription: ['/a', '/b'] })).toBeUndefined();
    expect(await err({ channel: '/service/none', data: 1 })).toBe('404:/service/none:service_unknown');
  });
});
