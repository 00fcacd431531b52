// Room lifecycle hooks on two real Kuiper nodes sharing one Redis (SPEC: LIFE-1..7): every node's
// hooks hear every change, whichever node made it, and the subscriber query agrees everywhere.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelOccupiedEvent, ChannelVacatedEvent, SessionRemovedEvent } from '../../src/index.js';
import { Cleanup, bayeux, eventually, handshakeMessage, immediateConnect, msgId, replyTo, type WireMessage } from '../helpers/server.js';
import { REDIS_URL } from '../helpers/redis.js';
import { type ClusterNode, startCluster } from './cluster.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const policy = {
  canHandshake: (m: { ext?: Record<string, unknown> }) => {
    const user = m.ext?.['user'];
    return typeof user === 'string' ? { data: { user } } : 'who_are_you';
  },
};

interface Seen {
  occupied: ChannelOccupiedEvent[];
  vacated: ChannelVacatedEvent[];
  removed: SessionRemovedEvent[];
}

/** Registers recording hooks on a node, for rooms under `/rooms/**`. */
function record(node: ClusterNode): Seen {
  const seen: Seen = { occupied: [], vacated: [], removed: [] };
  node.kuiper.onChannelOccupied('/rooms/**', (e) => void seen.occupied.push(e));
  node.kuiper.onChannelVacated('/rooms/**', (e) => void seen.vacated.push(e));
  node.kuiper.onSessionRemoved((e) => void seen.removed.push(e));
  return seen;
}

async function send(url: string, message: WireMessage): Promise<WireMessage> {
  const withId = { ...message, id: msgId() };
  return replyTo(await bayeux(url, [withId]), withId.id);
}

async function handshake(url: string, user: string): Promise<string> {
  const reply = await send(url, { ...handshakeMessage(), ext: { user } });
  if (typeof reply.clientId !== 'string') throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
  await bayeux(url, [immediateConnect(reply.clientId)]);
  return reply.clientId;
}

const subscribe = (url: string, clientId: string, subscription: string) =>
  send(url, { channel: '/meta/subscribe', clientId, subscription });

async function twoNodes(options: Parameters<typeof startCluster>[2] = {}) {
  const { nodes } = await startCluster(cleanup, 2, { policy, ...options });
  const [a, b] = nodes as [ClusterNode, ClusterNode];
  return { a, b, atA: record(a), atB: record(b) };
}

describe('room lifecycle across two nodes on Redis', () => {
  it('[LIFE-1][LIFE-2] a subscribe on A: occupied once on each node (local on A), and A answers after its hook', async () => {
    const { a, b, atA, atB } = await twoNodes();
    let loadedOnA = false;
    a.kuiper.onChannelOccupied('/rooms/**', async () => {
      await new Promise((resolve) => setTimeout(resolve, 150)); // a document load that takes a while
      loadedOnA = true;
    });
    const ada = await handshake(a.url, 'ada');
    const reply = await subscribe(a.url, ada, '/rooms/board-1/doc');
    expect(reply.successful).toBe(true);
    expect(loadedOnA).toBe(true);
    const bob = await handshake(b.url, 'bob');
    expect((await subscribe(b.url, bob, '/rooms/board-1/doc')).successful).toBe(true);
    const expected = { type: 'occupied', channel: '/rooms/board-1/doc', clientId: ada, data: { user: 'ada' } };
    await eventually(() => expect(atB.occupied).toEqual([{ ...expected, local: false }]));
    await Promise.all([a.kuiper.ready(), b.kuiper.ready()]);
    expect(atB.occupied).toHaveLength(1);
    expect(atA.occupied).toEqual([{ ...expected, local: true }]);
  });

  it('[LIFE-3] the last member leaving on B vacates the room on A, once', async () => {
    const { a, b, atA, atB } = await twoNodes();
    const ada = await handshake(a.url, 'ada');
    const bob = await handshake(b.url, 'bob');
    await subscribe(a.url, ada, '/rooms/board-2/presence');
    await subscribe(b.url, bob, '/rooms/board-2/presence');
    await send(a.url, { channel: '/meta/unsubscribe', clientId: ada, subscription: '/rooms/board-2/presence' });
    await send(b.url, { channel: '/meta/unsubscribe', clientId: bob, subscription: '/rooms/board-2/presence' });
    const expected = { type: 'vacated', channel: '/rooms/board-2/presence', clientId: bob, data: { user: 'bob' }, reason: 'unsubscribe' };
    await eventually(() => expect(atA.vacated).toEqual([{ ...expected, local: false }]));
    expect(atB.vacated).toEqual([{ ...expected, local: true }]);
  });

  it('[LIFE-4] a client that stops (killed) is pruned: onSessionRemoved("pruned") on both nodes within maxInterval + sweep + 1 s', async () => {
    const maxInterval = 600;
    const sweepIntervalMs = 100;
    const { a, b, atA, atB } = await twoNodes({ maxInterval, sweepIntervalMs });
    const ada = await handshake(a.url, 'ada');
    await subscribe(b.url, ada, '/rooms/board-3/presence');
    const lastSeen = Date.now(); // its last connect reply came before the subscribe; nothing after
    const removed = { type: 'removed', clientId: ada, data: { user: 'ada' }, reason: 'pruned' };
    await eventually(() => {
      expect(atA.removed).toEqual([expect.objectContaining(removed)]);
      expect(atB.removed).toEqual([expect.objectContaining(removed)]);
    }, maxInterval + sweepIntervalMs + 1000);
    expect(Date.now() - lastSeen).toBeLessThanOrEqual(maxInterval + sweepIntervalMs + 1000);
    expect([atA.removed[0]!.local, atB.removed[0]!.local].sort()).toEqual([false, true]);
    // Its room went with it, on both nodes.
    await eventually(() => {
      expect(atA.vacated.map((e) => [e.channel, e.reason])).toEqual([['/rooms/board-3/presence', 'pruned']]);
      expect(atB.vacated.map((e) => [e.channel, e.reason])).toEqual([['/rooms/board-3/presence', 'pruned']]);
    });
  });

  it('[LIFE-5] subscribers() agrees on both nodes, with the policy data', async () => {
    const { a, b } = await twoNodes();
    const ada = await handshake(a.url, 'ada');
    const bob = await handshake(b.url, 'bob');
    await subscribe(b.url, ada, '/rooms/board-4/presence');
    await subscribe(a.url, bob, '/rooms/board-4/presence');
    const sorted = async (node: ClusterNode) =>
      (await node.kuiper.subscribers('/rooms/board-4/presence')).sort((x, y) => x.clientId.localeCompare(y.clientId));
    const atA = await sorted(a);
    expect(atA).toEqual(await sorted(b));
    expect(atA.map((s) => s.data)).toEqual(expect.arrayContaining([{ user: 'ada' }, { user: 'bob' }]));
    expect(atA).toHaveLength(2);
  });

  it('[LIFE-2] a hook that throws on A fails that subscribe; B hears the room occupied, then vacated', async () => {
    const { a, b, atB } = await twoNodes();
    a.kuiper.onChannelOccupied('/rooms/locked/**', () => {
      throw new Error('cannot load');
    });
    const ada = await handshake(b.url, 'ada');
    const reply = await subscribe(a.url, ada, '/rooms/locked/doc');
    expect(reply).toMatchObject({ successful: false, error: '500:/rooms/locked/doc:server_error' });
    await eventually(() => expect(atB.vacated.map((e) => e.channel)).toEqual(['/rooms/locked/doc']));
    expect(atB.occupied.map((e) => e.channel)).toEqual(['/rooms/locked/doc']);
    expect(await b.kuiper.subscribers('/rooms/locked/doc')).toEqual([]);
  });

  it('[LIFE-7] a /service handler on B sees the session data of a session handshaken on A', async () => {
    const { a, b } = await twoNodes();
    b.kuiper.addService('/service/whoami', (_data, ctx) => ctx.session);
    const ada = await handshake(a.url, 'ada');
    const reply = await send(b.url, { channel: '/service/whoami', clientId: ada, data: {}, ext: { user: 'root' } });
    expect(reply).toMatchObject({ successful: true, data: { clientId: ada, data: { user: 'ada' } } });
  });

  it('[LIFE-7] ctx.session costs no Redis command on a known session: one read per node, the first time', async () => {
    const { a, b } = await twoNodes();
    const spy = new Redis(REDIS_URL);
    cleanup.add(() => spy.disconnect());
    const monitor = await spy.monitor();
    cleanup.add(() => monitor.disconnect());
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
    const ada = await handshake(a.url, 'ada'); // known to A from its creation
    for (let n = 0; n < 10; n++) await send(a.url, { channel: '/chat/cost', clientId: ada, data: n });
    for (let n = 0; n < 10; n++) await send(b.url, { channel: '/chat/cost', clientId: ada, data: n });
    const marker = `done-${msgId()}`;
    const other = spy.duplicate();
    cleanup.add(() => other.disconnect());
    await other.echo(marker);
    await eventually(() => expect(seen.some((args) => args.includes(marker))).toBe(true));
    const dataReads = seen.filter((args) => args[0]?.toLowerCase() === 'hget' && args[1]?.endsWith(`s:${ada}`) && args[2] === 'd');
    expect(dataReads).toHaveLength(1); // B's first message; A never asked, and neither did any later publish
  });
});
