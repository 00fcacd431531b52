// Redis unreachable for longer than the node's Redis client retries (issue 15; SPEC: ENG-6, REDIS-5):
// what the engine could not do is answered `503::engine_unavailable`, on every transport, for
// publish, subscribe and handshake — never the generic 500, never silence — while bad input keeps
// its own 4xx. The node reaches Redis through a TCP relay the test cuts; its ioredis client gives up
// on a command after one reconnection attempt instead of queueing it until Redis is back.
import { createClient, type KuiperClientError } from '@kuiper/client';
import { bayeux, cleanup, eventually, exchange, handshakeMessage, immediateConnect, msgId, onCleanup, rawGet, RawSocket, replyTo, startKuiper, type WireMessage } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { RedisEngine } from '../../src/redis.js';
import { deletePrefix, randomPrefix, REDIS_URL, requireRedis } from '../helpers/redis.js';
import { type Relay, startRelay } from '../helpers/relay.js';

const UNAVAILABLE = '503::engine_unavailable';

/** One message over callback-polling (JSONP GET), its reply. */
async function overJsonp(url: string, message: WireMessage): Promise<WireMessage> {
  const sent = { ...message, id: msgId() };
  const res = await rawGet(`${url}?${new URLSearchParams({ message: JSON.stringify([sent]), jsonp: 'cb' }).toString()}`);
  const body = /^\/\*\*\/cb\(([\s\S]*)\);?\s*$/.exec(res.text);
  if (!body) throw new Error(`not a JSONP reply: ${res.text}`);
  return replyTo(JSON.parse(body[1]!) as WireMessage[], sent.id);
}

async function nodeOnRelay() {
  await requireRedis();
  const prefix = randomPrefix();
  onCleanup(() => deletePrefix(prefix));
  const relay = await startRelay();
  // Without maxRetriesPerRequest a command waits in ioredis's offline queue until Redis is back (REDIS-5).
  const engine = new RedisEngine({ url: relay.url, prefix, redis: { retryStrategy: () => 50, maxRetriesPerRequest: 1 } });
  return { relay, engine, prefix, node: await startKuiper({ engine }) };
}

/**
 * Cuts Redis off and waits until the node has seen it. A command the node writes before it sees the
 * drop is in flight, not in the offline queue `maxRetriesPerRequest` flushes: ioredis sends it again
 * once Redis is back, and its operation waits for that (the last test). These tests are about
 * operations made while Redis is away.
 */
async function cutOff(relay: Relay, engine: RedisEngine): Promise<void> {
  relay.cut();
  await eventually(() => expect(engine.redisUp).toBe(false));
}

describe('Redis unreachable', () => {
  it('[ENG-6][REDIS-5] publish, subscribe and handshake get 503::engine_unavailable over long-polling, callback-polling and WebSocket; bad input keeps its 4xx; back, the same sessions carry on', async () => {
    const { relay, engine, node } = await nodeOnRelay();
    const lp = (await exchange(node.url, handshakeMessage())).clientId as string;
    await bayeux(node.url, [immediateConnect(lp)]);
    const socket = await RawSocket.open(cleanup, node.wsUrl);
    const ws = (await socket.request({ ...handshakeMessage(['websocket']), id: msgId() })).clientId as string;
    expect(typeof ws).toBe('string');

    await cutOff(relay, engine);
    const ask = {
      'long-polling': (m: WireMessage) => exchange(node.url, m),
      'callback-polling': (m: WireMessage) => overJsonp(node.url, m),
      websocket: (m: WireMessage) => socket.request({ ...m, id: msgId() }),
    };
    for (const [transport, send] of Object.entries(ask)) {
      const clientId = transport === 'websocket' ? ws : lp;
      expect(await send({ channel: '/down/a', clientId, data: 1 }), transport).toMatchObject({ channel: '/down/a', successful: false, error: UNAVAILABLE });
      expect(await send({ channel: '/meta/subscribe', clientId, subscription: '/down/b' }), transport).toMatchObject({ successful: false, error: UNAVAILABLE });
      // Not a refusal (which would stop the client, SEC-1): it is told to try again.
      expect(await send(handshakeMessage([transport])), transport).toMatchObject({ successful: false, error: UNAVAILABLE, advice: { reconnect: 'retry' } });
      // What is wrong with the message itself is said first, Redis or not.
      expect(await send({ channel: '/down/a', clientId }), transport).toMatchObject({ successful: false, error: '400:data:message_invalid' });
      expect(await send({ channel: '/down/*', clientId, data: 1 }), transport).toMatchObject({ successful: false, error: '405::channel_invalid' });
    }

    relay.restore();
    // Back: the sessions made before the outage publish and subscribe again, no new handshake.
    await eventually(async () => expect(await exchange(node.url, { channel: '/down/a', clientId: lp, data: 2 })).toMatchObject({ successful: true }), 10_000);
    expect(await exchange(node.url, { channel: '/meta/subscribe', clientId: lp, subscription: '/down/b' })).toMatchObject({ successful: true });
    expect(await socket.request({ channel: '/down/a', clientId: ws, data: 3, id: msgId() })).toMatchObject({ successful: true });
  }, 30_000);

  it('[ENG-6][CLI-17] @kuiper/client: a publish rejects with the code (error.bayeux.name), a handshake is tried again until Redis is back', async () => {
    const { relay, engine, node } = await nodeOnRelay();
    const client = createClient(node.url, { transports: ['long-polling'] });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    await cutOff(relay, engine);
    const failed = (await client.publish('/down/c', 1).then(
      () => undefined,
      (err: unknown) => err,
    )) as KuiperClientError | undefined;
    expect(failed?.message).toBe(UNAVAILABLE);
    expect(failed?.bayeux?.name).toBe('engine_unavailable');
    // A new client's handshake is answered 503 while Redis is away: it waits and tries again.
    const late = createClient(node.url, { transports: ['long-polling'] });
    onCleanup(() => late.disconnect());
    const retries: string[] = [];
    late.onStatus((e) => e.retry && retries.push(e.retry.reason));
    await eventually(() => expect(retries.filter((r) => r === UNAVAILABLE).length).toBeGreaterThan(0), 10_000);
    relay.restore();
    await late.whenConnected();
    expect(late.error).toBeUndefined();
    await expect(client.publish('/down/c', 2)).resolves.toBeUndefined();
  }, 30_000);

  it('[REDIS-5] a publish already sent when the link to Redis drops is made once Redis is back: it waits for Redis, and the subscriber gets it once', async () => {
    const { relay, engine, prefix } = await nodeOnRelay();
    // The subscriber is on another node, which keeps its Redis.
    const other = await startKuiper({ engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const reader = createClient(other.url, { transports: ['long-polling'] });
    onCleanup(() => reader.disconnect());
    const got: unknown[] = [];
    await reader.subscribe('/down/flight', (data) => got.push(data));
    await reader.whenConnected();
    // Redis stops answering with the publish's script written to it, then the link drops.
    relay.hold();
    let settled: string | undefined;
    const publishing = engine.publish({ channel: '/down/flight', data: 1 }).then(
      () => (settled = 'made'),
      (err: unknown) => (settled = `failed: ${String(err)}`),
    );
    await eventually(() => expect(relay.heldText).toContain('/down/flight'));
    await cutOff(relay, engine);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBeUndefined(); // not failed by maxRetriesPerRequest: it is not queued, it is in flight
    relay.restore();
    await publishing;
    expect(settled).toBe('made');
    await eventually(() => expect(got).toEqual([1]));
  }, 30_000);
});
