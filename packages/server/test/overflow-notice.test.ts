// [LIMIT-12] A full queue's loss is told to the client, never silent: a real server whose session
// queue holds 5 messages, real @kuiper/client consumers on each transport, and the server
// publishing faster than they take (50 publishes in one turn of its event loop, before any flush).
import { describe, expect, it } from 'vitest';
import type { UnrecoveredEvent } from '@kuiper/client';
import { eventually, newClient, startKuiper } from '@kuiper/testkit';
import { MemoryEngine } from '../src/engines/memory.js';

const MAX_QUEUE = 5;

async function slowConsumer(transport: 'websocket' | 'long-polling', ack: boolean, channels: string[]) {
  const { server, url } = await startKuiper({ limits: { maxQueue: MAX_QUEUE } });
  const client = newClient(url, { transports: [transport], ack });
  const events: UnrecoveredEvent[] = [];
  client.onUnrecovered((event) => events.push(event));
  const received: unknown[] = [];
  await Promise.all(channels.map((channel) => client.subscribe(channel, (data) => received.push(data)).ready));
  return { server, events, received };
}

/** `count` publishes started in one go: all are queued before the session's next flush or poll. */
async function flood(publish: (i: number) => Promise<unknown>, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => publish(i)));
}

describe('[LIMIT-12] overflow is told to the client', () => {
  for (const [transport, ack] of [['websocket', false], ['websocket', true], ['long-polling', false], ['long-polling', true]] as const) {
    it(`[LIMIT-12] ${transport}${ack ? ' with ack' : ''}: 45 messages dropped make one onUnrecovered event naming the channel, then the newest 5 arrive`, async () => {
      const { server, events, received } = await slowConsumer(transport, ack, ['/slow']);
      await flood((i) => server.publish('/slow', i), 50);
      await eventually(() => expect(received).toEqual([45, 46, 47, 48, 49]));
      expect(events).toEqual([{ channels: ['/slow'], reason: 'overflow' }]);
      // A later overflow is a new episode, told again; a take with nothing dropped tells nothing.
      await server.publish('/slow', 'calm');
      await eventually(() => expect(received.at(-1)).toBe('calm'));
      expect(events).toHaveLength(1);
      await flood((i) => server.publish('/slow', 100 + i), 20);
      await eventually(() => expect(received.slice(-MAX_QUEUE)).toEqual([115, 116, 117, 118, 119]));
      expect(events).toEqual([
        { channels: ['/slow'], reason: 'overflow' },
        { channels: ['/slow'], reason: 'overflow' },
      ]);
    });
  }

  it('[LIMIT-12] one notice names every channel that lost messages, a wildcard subscription\'s too', async () => {
    const { server, events, received } = await slowConsumer('websocket', false, ['/a', '/rooms/*']);
    await flood((i) => server.publish(i % 2 === 0 ? '/a' : '/rooms/r1', i), 20);
    await eventually(() => expect(received).toHaveLength(MAX_QUEUE));
    expect(events).toHaveLength(1);
    expect([...(events[0]?.channels ?? [])].sort()).toEqual(['/a', '/rooms/r1']);
    expect(events[0]?.reason).toBe('overflow');
  });

  it('[LIMIT-12] a message larger than the byte bound, dropped alone, is told even though nothing else is queued', async () => {
    const { server, url } = await startKuiper({ limits: { maxQueueBytes: 1024 } });
    const client = newClient(url, { transports: ['websocket'], ack: false });
    const events: UnrecoveredEvent[] = [];
    client.onUnrecovered((event) => events.push(event));
    const received: unknown[] = [];
    await client.subscribe('/big', (data) => received.push(data)).ready;
    await server.publish('/big', 'x'.repeat(4096));
    await eventually(() => expect(events).toEqual([{ channels: ['/big'], reason: 'overflow' }]));
    expect(received).toEqual([]);
  });
});

describe('[LIMIT-12] the memory engine\'s notice', () => {
  it('[LIMIT-12] is one message first in the take, outside the bounds, and the episode ends with the take', async () => {
    const engine = new MemoryEngine();
    engine.start({ maxInterval: 10_000, interval: 0, sweepIntervalMs: 60_000, maxQueue: 2, maxQueueBytes: 1 << 20, overflow: 'drop-oldest', onEvent: () => {} });
    try {
      const id = await engine.createSession();
      await engine.subscribe(id, '/x');
      await engine.subscribe(id, '/y');
      for (let i = 0; i < 10; i++) await engine.publish({ channel: i < 5 ? '/x' : '/y', data: i });
      const taken = await engine.take(id);
      // The notice does not count against maxQueue: it is there with both kept messages.
      expect(taken).toEqual([
        { channel: '/service/kuiper/unrecovered', data: { channels: ['/x', '/y'], reason: 'overflow' } },
        { channel: '/y', data: 8 },
        { channel: '/y', data: 9 },
      ]);
      await engine.publish({ channel: '/x', data: 'next' });
      expect(await engine.take(id)).toEqual([{ channel: '/x', data: 'next' }]);
    } finally {
      await engine.close();
    }
  });

  it('[LIMIT-12] [ACK-2] an unacknowledged batch that keeps its notice never drops it when bounded again', async () => {
    const engine = new MemoryEngine();
    engine.start({ maxInterval: 10_000, interval: 0, sweepIntervalMs: 60_000, maxQueue: 2, maxQueueBytes: 1 << 20, overflow: 'drop-oldest', onEvent: () => {} });
    try {
      const id = await engine.createSession();
      await engine.setAck(id, true);
      await engine.subscribe(id, '/x');
      for (let i = 0; i < 4; i++) await engine.publish({ channel: '/x', data: i });
      const first = await engine.takeBatch(id, undefined);
      expect(first.messages.map((m) => m.channel)).toEqual(['/service/kuiper/unrecovered', '/x', '/x']);
      for (let i = 4; i < 6; i++) await engine.publish({ channel: '/x', data: i });
      // Not acknowledged: the resend (notice, 2, 3) and the new (4, 5) are bounded to 2 messages.
      const second = await engine.takeBatch(id, undefined);
      expect(second.messages[0]).toEqual({ channel: '/service/kuiper/unrecovered', data: { channels: ['/x'], reason: 'overflow' } });
      expect(second.messages.filter((m) => m.channel === '/x').map((m) => m.data)).toEqual([4, 5]);
    } finally {
      await engine.close();
    }
  });
});
