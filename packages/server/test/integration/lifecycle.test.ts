// Room lifecycle hooks and the session seam on one server with the memory engine, driven by the
// real faye client and by raw long-polling (SPEC: LIFE-1..7).
import { bayeuxError } from '@kuiper/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Extension, SessionInfo } from '../../src/index.js';
import { createFaye } from '../helpers/faye.js';
import {
  Cleanup,
  bayeux,
  eventually,
  handshakeMessage,
  immediateConnect,
  msgId,
  replyTo,
  startServer,
  type WireMessage,
} from '../helpers/server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A policy that knows two tokens and attaches who the session belongs to. */
const policy = {
  canHandshake: (m: { ext?: Record<string, unknown> }) => {
    const token = m.ext?.['token'];
    return token === 't-ada' ? { data: { user: 'ada' } } : token === 't-bob' ? { data: { user: 'bob' } } : 'invalid_token';
  },
};

async function handshake(url: string, token: string): Promise<string> {
  const hs = { ...handshakeMessage(), ext: { token }, id: msgId() };
  const reply = replyTo(await bayeux(url, [hs]), hs.id);
  if (typeof reply.clientId !== 'string') throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
  await bayeux(url, [immediateConnect(reply.clientId)]);
  return reply.clientId;
}

async function send(url: string, message: WireMessage): Promise<WireMessage> {
  const withId = { ...message, id: msgId() };
  return replyTo(await bayeux(url, [withId]), withId.id);
}

const subscribe = (url: string, clientId: string, subscription: string | string[]) =>
  send(url, { channel: '/meta/subscribe', clientId, subscription });
const unsubscribe = (url: string, clientId: string, subscription: string) =>
  send(url, { channel: '/meta/unsubscribe', clientId, subscription });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('room lifecycle hooks (memory engine)', () => {
  it('[LIFE-1][LIFE-2] a faye subscribe is acknowledged only after the occupied hook loaded the room; once per room', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const loaded: string[] = [];
    const gate = deferred();
    kuiper.onChannelOccupied('/rooms/**', async (e) => {
      await gate.promise;
      loaded.push(`${e.channel} for ${JSON.stringify(e.data)}`);
    });
    const faye = createFaye(cleanup, url, 'long-polling');
    faye.client.addExtension({
      outgoing(message, callback) {
        if (message.channel === '/meta/handshake') message.ext = { token: 't-ada' };
        callback(message);
      },
    });
    let acknowledged = false;
    const subscribing = faye.subscribe('/rooms/board-1/doc', () => {}).then(() => {
      acknowledged = true;
    });
    await eventually(async () => expect(await kuiper.subscribers('/rooms/board-1/doc')).toHaveLength(1));
    expect(acknowledged).toBe(false);
    gate.resolve();
    await subscribing;
    expect(loaded).toEqual(['/rooms/board-1/doc for {"user":"ada"}']);
    // A second member: no second load.
    const bob = await handshake(url, 't-bob');
    expect((await subscribe(url, bob, '/rooms/board-1/doc')).successful).toBe(true);
    expect(loaded).toHaveLength(1);
  });

  it('[LIFE-2] a second member waits for the first one’s occupied hook still running on this node', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const gate = deferred();
    kuiper.onChannelOccupied('/rooms/**', () => gate.promise);
    const [ada, bob] = [await handshake(url, 't-ada'), await handshake(url, 't-bob')];
    const order: string[] = [];
    const first = subscribe(url, ada, '/rooms/r/doc').then(() => order.push('ada'));
    await eventually(async () => expect(await kuiper.subscribers('/rooms/r/doc')).toHaveLength(1));
    const second = subscribe(url, bob, '/rooms/r/doc').then(() => order.push('bob'));
    await eventually(async () => expect(await kuiper.subscribers('/rooms/r/doc')).toHaveLength(2));
    expect(order).toEqual([]);
    order.push('loaded');
    gate.resolve();
    await Promise.all([first, second]);
    expect(order[0]).toBe('loaded');
  });

  it('[LIFE-2] a member waiting on a hook that then throws fails with it; the room ends up empty, vacated once', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    let fail!: (err: Error) => void;
    kuiper.onChannelOccupied('/rooms/**', () => new Promise<void>((_resolve, reject) => (fail = reject)));
    const vacated: string[] = [];
    kuiper.onChannelVacated('/rooms/**', (e) => void vacated.push(e.clientId));
    const [ada, bob] = [await handshake(url, 't-ada'), await handshake(url, 't-bob')];
    const first = subscribe(url, ada, '/rooms/q/doc');
    await eventually(async () => expect(await kuiper.subscribers('/rooms/q/doc')).toHaveLength(1));
    const second = subscribe(url, bob, '/rooms/q/doc');
    await eventually(async () => expect(await kuiper.subscribers('/rooms/q/doc')).toHaveLength(2));
    fail(new Error('no such board'));
    for (const reply of await Promise.all([first, second])) {
      expect(reply).toMatchObject({ successful: false, error: '500:/rooms/q/doc:server_error' });
    }
    expect(await kuiper.subscribers('/rooms/q/doc')).toEqual([]);
    expect(vacated).toHaveLength(1); // whichever of the two was undone last
    expect([ada, bob]).toContain(vacated[0]);
  });

  it('[LIFE-2] a hook that throws fails the subscribe with a clear error and undoes it, all patterns of the request', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const vacated: string[] = [];
    kuiper.onChannelOccupied('/rooms/full/**', () => {
      throw bayeuxError('subscribe_denied', 'room_full');
    });
    kuiper.onChannelOccupied('/rooms/broken/**', () => {
      throw new Error('storage unreachable');
    });
    kuiper.onChannelVacated('/rooms/**', (e) => {
      vacated.push(e.channel);
    });
    const ada = await handshake(url, 't-ada');
    const full = await subscribe(url, ada, '/rooms/full/doc');
    expect(full).toMatchObject({ successful: false, error: '403:room_full:subscribe_denied', subscription: '/rooms/full/doc' });
    const broken = await subscribe(url, ada, ['/rooms/ok/doc', '/rooms/broken/doc']);
    expect(broken).toMatchObject({ successful: false, error: '500:/rooms/broken/doc:server_error' });
    for (const channel of ['/rooms/full/doc', '/rooms/ok/doc', '/rooms/broken/doc']) {
      expect(await kuiper.subscribers(channel)).toEqual([]);
    }
    expect(vacated.sort()).toEqual(['/rooms/broken/doc', '/rooms/full/doc', '/rooms/ok/doc']);
    // The server is fine, and a room whose hooks pass still works.
    expect((await subscribe(url, ada, '/rooms/ok/doc')).successful).toBe(true);
  });

  it('[LIFE-3][LIFE-4] disconnect: the removal hook (with the policy data), then the room vacated; unsubscribe vacates too', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const seen: string[] = [];
    kuiper.onSessionRemoved((e) => {
      seen.push(`removed ${JSON.stringify(e.data)} ${e.reason}`);
    });
    kuiper.onChannelVacated('/rooms/**', (e) => {
      seen.push(`vacated ${e.channel} ${e.reason}`);
    });
    const ada = await handshake(url, 't-ada');
    const bob = await handshake(url, 't-bob');
    await subscribe(url, ada, '/rooms/v/presence');
    await subscribe(url, ada, '/rooms/w/presence');
    await subscribe(url, bob, '/rooms/v/presence');
    await unsubscribe(url, ada, '/rooms/w/presence');
    expect(seen).toEqual(['vacated /rooms/w/presence unsubscribe']);
    await send(url, { channel: '/meta/disconnect', clientId: ada });
    expect(seen).toEqual(['vacated /rooms/w/presence unsubscribe', 'removed {"user":"ada"} disconnect']);
    await send(url, { channel: '/meta/disconnect', clientId: bob });
    expect(seen.slice(2)).toEqual(['removed {"user":"bob"} disconnect', 'vacated /rooms/v/presence disconnect']);
  });

  it('[LIFE-2] one channel’s hooks run one at a time: a room saved on vacated is saved before it is loaded again', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const saving = deferred();
    const order: string[] = [];
    kuiper.onChannelVacated('/rooms/**', async () => {
      order.push('save started');
      await saving.promise;
      order.push('saved');
    });
    kuiper.onChannelOccupied('/rooms/**', () => {
      order.push('load');
    });
    const ada = await handshake(url, 't-ada');
    await subscribe(url, ada, '/rooms/s/doc');
    const leaving = unsubscribe(url, ada, '/rooms/s/doc');
    await eventually(() => expect(order).toEqual(['load', 'save started']));
    const rejoining = subscribe(url, ada, '/rooms/s/doc');
    await eventually(async () => expect(await kuiper.subscribers('/rooms/s/doc')).toHaveLength(1));
    expect(order).toEqual(['load', 'save started']);
    saving.resolve();
    await Promise.all([leaving, rejoining]);
    expect(order).toEqual(['load', 'save started', 'saved', 'load']);
  });

  it('[LIFE-6] hooks filter by pattern; a wildcard subscription occupies only its own pattern', async () => {
    const { kuiper, url } = await startServer(cleanup, { policy });
    const seen = { deep: [] as string[], one: [] as string[], exact: [] as string[] };
    kuiper.onChannelOccupied('/rooms/**', (e) => void seen.deep.push(e.channel));
    kuiper.onChannelOccupied('/rooms/*', (e) => void seen.one.push(e.channel));
    kuiper.onChannelOccupied('/rooms/1/doc', (e) => void seen.exact.push(e.channel));
    const ada = await handshake(url, 't-ada');
    expect((await subscribe(url, ada, ['/rooms/1/doc', '/rooms/2/presence', '/rooms/*', '/chat'])).successful).toBe(true);
    expect(seen).toEqual({ deep: ['/rooms/1/doc', '/rooms/2/presence'], one: ['/rooms/*'], exact: ['/rooms/1/doc'] });
    expect(() => kuiper.onChannelOccupied('/rooms/*/doc', () => {})).toThrow('channel_invalid');
    await expect(kuiper.subscribers('no-slash')).rejects.toThrow('channel_invalid');
  });
});

describe('the session in /service handlers and extensions (memory engine)', () => {
  it('[LIFE-7] both see what the policy attached at handshake; what the client sends cannot change it', async () => {
    const seenByExtension: Array<SessionInfo | undefined> = [];
    const spy: Extension = {
      name: 'spy',
      incoming: (message, ctx) => {
        if (message.channel === '/service/whoami' || message.channel === '/chat/x') seenByExtension.push(ctx.session);
        return message;
      },
    };
    const { kuiper, url } = await startServer(cleanup, { policy, extensions: [spy] });
    kuiper.addService('/service/whoami', (_data, ctx) => ({ clientId: ctx.clientId, session: ctx.session }));
    const ada = await handshake(url, 't-ada');
    const forged = { user: 'root' };
    const reply = await send(url, {
      channel: '/service/whoami',
      clientId: ada,
      data: { session: { clientId: ada, data: forged }, user: 'root' },
      ext: { session: { data: forged }, data: forged, token: 't-bob' },
    });
    expect(reply).toMatchObject({ successful: true, data: { clientId: ada, session: { clientId: ada, data: { user: 'ada' } } } });
    await send(url, { channel: '/chat/x', clientId: ada, data: 1, ext: { data: forged } });
    expect(seenByExtension).toEqual([
      { clientId: ada, data: { user: 'ada' } },
      { clientId: ada, data: { user: 'ada' } },
    ]);
  });

  it('[LIFE-7] outgoing hooks see the session too, on a held connect’s reply as on the others', async () => {
    const seen: Array<[string, unknown]> = [];
    const spy: Extension = {
      name: 'spy',
      outgoing: (reply, _request, ctx) => {
        seen.push([reply.channel, ctx.session?.data]);
        return reply;
      },
    };
    const { url } = await startServer(cleanup, { policy, extensions: [spy] });
    const ada = await handshake(url, 't-ada'); // its first connect is answered at once (advice.timeout 0)
    await subscribe(url, ada, '/chat/y');
    expect(seen).toEqual([
      ['/meta/handshake', undefined],
      ['/meta/connect', { user: 'ada' }],
      ['/meta/subscribe', { user: 'ada' }],
    ]);
  });

  it('[LIFE-7] an extension sees no session on a handshake or for an unknown clientId', async () => {
    const seen: Array<[string, SessionInfo | undefined]> = [];
    const spy: Extension = {
      name: 'spy',
      incoming: (message, ctx) => {
        seen.push([message.channel, ctx.session]);
        return message;
      },
    };
    const { url } = await startServer(cleanup, { policy, extensions: [spy] });
    await bayeux(url, [{ ...handshakeMessage(), ext: { token: 't-ada' } }]);
    const unknown = await send(url, { channel: '/chat/x', clientId: 'nobody', data: 1 });
    expect(unknown.error).toBe('402::session_unknown');
    expect(seen).toEqual([
      ['/meta/handshake', undefined],
      ['/chat/x', undefined],
    ]);
  });
});
