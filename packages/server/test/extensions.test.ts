import { afterEach, describe, expect, it } from 'vitest';
import { ackExtension } from '../src/extensions/ack.js';
import { ExtensionPipeline, reject } from '../src/core/extension.js';
import { rateLimitExtension } from '../src/extensions/rate-limit.js';
import { timesyncExtension } from '../src/extensions/timesync.js';
import { eventually } from '@kuiper/testkit';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
afterEach(() => h?.close());

const connect = (clientId: string, ext?: Record<string, unknown>, timeout = 0) => ({
  channel: '/meta/connect',
  clientId,
  connectionType: 'long-polling',
  advice: { timeout },
  ...(ext ? { ext } : {}),
});

describe('extension pipeline', () => {
  it('[EXT-1][EXT-3] incoming hooks run in priority order and a rejection becomes an error reply', async () => {
    const seen: string[] = [];
    const pipeline = new ExtensionPipeline();
    pipeline.add({ name: 'late', priority: 10, incoming: (m) => (seen.push(`late ${m.channel}`), m) });
    pipeline.add({
      name: 'guard',
      incoming: (m) => {
        seen.push(`guard ${m.channel}`);
        return m.channel.startsWith('/meta/subscribe') ? reject('subscribe_denied', ['no']) : m;
      },
    });
    h = harness({ extensions: pipeline });
    const id = await h.handshake();
    const [plain] = await h.send({ channel: '/meta/subscribe', clientId: id, subscription: '/a', id: 's1' });
    const [suffixed] = await h.send({ channel: '/meta/subscribe/x', clientId: id, subscription: '/a' });
    expect(plain).toMatchObject({ successful: false, error: '403:no:subscribe_denied', id: 's1' });
    expect(suffixed).toMatchObject({ successful: false, error: '403:no:subscribe_denied' });
    expect(seen.slice(0, 3)).toEqual(['guard /meta/handshake', 'late /meta/handshake', 'guard /meta/subscribe']);
    expect(h.engine.stats().subscriptions).toBe(0);
  });

  it('[EXT-2] outgoing hooks see each reply with its request, in reverse order', async () => {
    const pipeline = new ExtensionPipeline();
    const order: string[] = [];
    pipeline.add({ name: 'a', priority: 1, outgoing: (r) => (order.push('a'), r) });
    pipeline.add({ name: 'b', priority: 2, outgoing: (r, req) => (order.push('b'), { ...r, ext: { echo: req.id } }) });
    h = harness({ extensions: pipeline });
    const [reply] = await h.send({ channel: '/meta/handshake', id: 'hs', version: '1.0', supportedConnectionTypes: ['long-polling'] });
    expect(reply?.ext).toEqual({ echo: 'hs' });
    expect(order).toEqual(['b', 'a']);
  });
});

describe('ack', () => {
  it('[ACK-1][ACK-2] numbered batches; unacknowledged ones come again, acknowledged ones never', async () => {
    const pipeline = new ExtensionPipeline();
    pipeline.add(ackExtension());
    h = harness({ extensions: pipeline });
    const [hs] = await h.send({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], ext: { ack: true } });
    expect(hs?.ext).toEqual({ ack: true });
    const id = hs?.clientId as string;
    await h.send({ channel: '/meta/subscribe', clientId: id, subscription: '/n' });
    const first = await h.send(connect(id, { ack: 0 }));
    const b1 = first.at(-1)?.ext?.['ack'] as number;
    await h.engine.publish({ channel: '/n', data: 1 });
    await h.engine.publish({ channel: '/n', data: 2 });
    const second = await h.send(connect(id, { ack: b1 }));
    expect(second.slice(0, 2).map((m) => m.data)).toEqual([1, 2]);
    const b2 = second.at(-1)?.ext?.['ack'] as number;
    expect(b2).toBeGreaterThan(b1);
    // The client never saw batch b2 (the response was lost): it acknowledges b1 again.
    await h.engine.publish({ channel: '/n', data: 3 });
    const third = await h.send(connect(id, { ack: b1 }));
    expect(third.slice(0, -1).map((m) => m.data)).toEqual([1, 2, 3]);
    const b3 = third.at(-1)?.ext?.['ack'] as number;
    const fourth = await h.send(connect(id, { ack: b3 }));
    expect(fourth).toHaveLength(1);
  });

  it('[ACK-1] a client that does not ask for ack gets plain deliveries', async () => {
    const pipeline = new ExtensionPipeline();
    pipeline.add(ackExtension());
    h = harness({ extensions: pipeline });
    const id = await h.handshake();
    expect((await h.engine.deliveryMode(id)).ack).toBe(false);
    const [reply] = await h.send(connect(id));
    expect(reply?.ext).toBeUndefined();
  });
});

describe('timesync', () => {
  it('[TSYNC-1] echoes tc with the receive time and the time held', async () => {
    let t = 1000;
    const pipeline = new ExtensionPipeline();
    pipeline.add(timesyncExtension(() => t++));
    h = harness({ extensions: pipeline });
    const [reply] = await h.send({
      channel: '/meta/handshake',
      version: '1.0',
      supportedConnectionTypes: ['long-polling'],
      ext: { timesync: { tc: 42, l: 0, o: 0 } },
    });
    expect(reply?.ext).toEqual({ timesync: { tc: 42, ts: 1000, p: 1 } });
  });
});

describe('rate limit', () => {
  it('[LIMIT-4] publishes past the bucket get 429; meta messages are not limited', async () => {
    let t = 0;
    const pipeline = new ExtensionPipeline();
    pipeline.add(rateLimitExtension({ perSecond: 10, burst: 3 }, () => t));
    h = harness({ extensions: pipeline });
    const id = await h.handshake();
    const errors: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) errors.push((await h.send({ channel: '/a', clientId: id, data: i }))[0]?.error);
    expect(errors).toEqual([undefined, undefined, undefined, '429:10:rate_limited', '429:10:rate_limited']);
    expect((await h.send(connect(id)))[0]?.successful).toBe(true);
    t += 100; // one token back after 100 ms at 10/s
    expect((await h.send({ channel: '/a', clientId: id, data: 'x' }))[0]?.successful).toBe(true);
    expect((await h.send({ channel: '/a', clientId: id, data: 'y' }))[0]?.error).toBe('429:10:rate_limited');
  });

  it('[LIMIT-4] a bucket that refilled is dropped: the next publish starts a full one, the limit unchanged', async () => {
    let t = 0;
    const pipeline = new ExtensionPipeline();
    pipeline.add(rateLimitExtension({ perSecond: 10, burst: 3 }, () => t));
    h = harness({ extensions: pipeline });
    const id = await h.handshake();
    // The extension looks the session up only to make a bucket: one lookup more than the core's
    // own shows a publish that found none.
    let lookups = 0;
    const hasSession = h.engine.hasSession.bind(h.engine);
    h.engine.hasSession = (clientId) => (lookups++, hasSession(clientId));
    const publish = async (data: unknown) => {
      const before = lookups;
      const error = (await h.send({ channel: '/a', clientId: id, data }))[0]?.error;
      return { error, lookups: lookups - before };
    };
    const first = await publish(1);
    const kept = await publish(2);
    expect(first).toEqual({ error: undefined, lookups: kept.lookups + 1 });
    expect([await publish(3), await publish(4)].map((p) => p.error)).toEqual([undefined, '429:10:rate_limited']);
    t += 200; // two tokens back: not full, so sweeps keep the bucket
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await publish(5)).toEqual({ error: undefined, lookups: kept.lookups });
    t += 1_000; // full again: the next sweep drops it
    // Each try leaves the bucket full again (the clock moves on after it), so a sweep finds it full.
    await eventually(async () => {
      const p = await publish(6);
      t += 1_000;
      expect(p).toEqual({ error: undefined, lookups: kept.lookups + 1 });
    }, 10_000);
    // Dropped or not, the session has its whole burst and no more.
    const burst = [await publish(7), await publish(8), await publish(9), await publish(10)];
    expect(burst.map((p) => p.error)).toEqual([undefined, undefined, undefined, '429:10:rate_limited']);
  });
});

describe('queue bounds', () => {
  it('[LIMIT-6] a slow consumer keeps at most maxQueue messages, newest kept, and the server says so', async () => {
    h = harness({ maxQueue: 3 });
    const id = await h.handshake();
    await h.send({ channel: '/meta/subscribe', clientId: id, subscription: '/s' });
    for (let i = 0; i < 10; i++) await h.engine.publish({ channel: '/s', data: i });
    const taken = await h.engine.take(id);
    // [LIMIT-12] The client is told first: one notice for the seven dropped.
    expect(taken[0]).toEqual({ channel: '/service/kuiper/unrecovered', data: { channels: ['/s'], reason: 'overflow' } });
    expect(taken.slice(1).map((m) => m.data)).toEqual([7, 8, 9]);
    const overflow = h.events.filter((e) => e.type === 'session:overflow');
    expect(overflow).toHaveLength(7);
  });
});
