// Redis unreachable while the real faye and cometd clients start (issue 15; SPEC: ENG-6): their
// handshake is answered `503::engine_unavailable` with `reconnect: retry`, which both clients read as
// "try again", not as a refusal. Once Redis is back they finish the handshake on their own, subscribe
// and receive what is published, without the application doing anything.
import type { Message } from 'cometd';
import { cleanup, eventually, onCleanup, startKuiper, type WireMessage } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { RedisEngine } from '../../src/redis.js';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';
import { deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { startRelay } from '../helpers/relay.js';

const UNAVAILABLE = '503::engine_unavailable';
const TRANSPORTS = ['long-polling', 'websocket'] as const;

/** A node reaching Redis through a relay that starts cut: Redis is away before any client comes. */
async function nodeWithRedisAway() {
  await requireRedis();
  const prefix = randomPrefix();
  onCleanup(() => deletePrefix(prefix));
  const relay = await startRelay();
  const engine = new RedisEngine({ url: relay.url, prefix, redis: { retryStrategy: () => 50, maxRetriesPerRequest: 1 } });
  const node = await startKuiper({ engine });
  relay.cut();
  return { relay, node };
}

describe('[ENG-6] faye and cometd clients starting while Redis is unreachable', () => {
  it.each(TRANSPORTS)('[ENG-6] faye over %s: told 503 on handshake, retries, and once Redis is back subscribes and receives', async (transport: FayeTransport) => {
    const { relay, node } = await nodeWithRedisAway();
    const handshakes: WireMessage[] = [];
    const faye = createFaye(cleanup, node.url, transport);
    faye.client.addExtension({
      incoming(message, callback) {
        if (message.channel === '/meta/handshake') handshakes.push(message);
        callback(message);
      },
    });
    const got: unknown[] = [];
    const subscribed = faye.subscribe('/back/faye', (data) => got.push(data));
    await eventually(() => expect(handshakes.filter((h) => h.error === UNAVAILABLE).length).toBeGreaterThanOrEqual(2), 15_000);
    expect(handshakes.every((h) => h.successful === false && (h.advice as { reconnect?: string } | undefined)?.reconnect === 'retry')).toBe(true);

    relay.restore();
    await subscribed;
    expect(handshakes.at(-1)).toMatchObject({ successful: true });
    await eventually(async () => {
      await faye.publish('/back/faye', { n: 1 });
      expect(got).toContainEqual({ n: 1 });
    }, 15_000);
    if (transport === 'websocket') await eventually(() => expect(faye.connectionType()).toBe('websocket'), 10_000);
  }, 45_000);

  it.each(TRANSPORTS)('[ENG-6] cometd over %s: told 503 on handshake, retries, and once Redis is back subscribes and receives', async (transport: CometdTransport) => {
    const { relay, node } = await nodeWithRedisAway();
    const client = createCometD(cleanup, node.url, transport);
    const handshakes: Message[] = [];
    client.cometd.addListener('/meta/handshake', (m: Message) => handshakes.push(m));
    void client.handshake();
    await eventually(() => expect(handshakes.filter((h) => h.error === UNAVAILABLE).length).toBeGreaterThanOrEqual(2), 15_000);
    // Still trying: a refusal would have left it disconnected for good.
    expect(client.cometd.isDisconnected()).toBe(false);

    relay.restore();
    await eventually(() => expect(handshakes.at(-1)).toMatchObject({ successful: true }), 20_000);
    const got: unknown[] = [];
    const { reply } = await client.subscribe('/back/cometd', (m) => got.push(m.data));
    expect(reply.successful).toBe(true);
    await eventually(async () => {
      await client.publish('/back/cometd', { n: 1 });
      expect(got).toContainEqual({ n: 1 });
    }, 15_000);
  }, 45_000);
});
