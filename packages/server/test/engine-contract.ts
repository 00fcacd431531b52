// The engine contract (SPEC: ENG-*, SESS-2, PUB-1, LIMIT-6, ACK-2, SWEEP-1): one suite that every
// engine passes, registered by each engine's test file with its own factory.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import type { Engine, EngineEvent, EngineOptions } from '../src/core/engine.js';

export interface OpenedEngine {
  engine: Engine;
  events: EngineEvent[];
}

/** Makes a fresh, unstarted engine. Engines made by one factory call share no state with others'. */
export type EngineFactory = () => Engine;

/** Engine options for tests: generous bounds, a sweep that never runs unless a test asks. */
export const ENGINE_DEFAULTS: Omit<EngineOptions, 'onEvent'> = {
  maxInterval: 10_000,
  interval: 0,
  sweepIntervalMs: 60_000,
  maxQueue: 10_000,
  maxQueueBytes: 1 << 24,
  overflow: 'drop-oldest',
};

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });

/** What an engine's publish() counts: the sessions reached, or (a stream engine, ENG-STREAM-1) the subscriptions matched. */
export interface ContractOptions {
  publishCounts?: 'sessions' | 'subscriptions';
  /** [LIMIT-12] Whether a take after drop-oldest dropped messages starts with the one overflow notice. */
  overflowNotice?: boolean;
}

export function engineContract(label: string, factory: EngineFactory, contract: ContractOptions = {}): void {
  const bySubscription = contract.publishCounts === 'subscriptions';
  /** The notice a take starts with after an overflow (LIMIT-12), on an engine that gives it; then the data. */
  const afterOverflow = (taken: readonly Message[], channels: string[]): unknown[] => {
    if (!contract.overflowNotice) return taken.map((m) => m.data);
    expect(taken[0]).toEqual({ channel: '/service/kuiper/unrecovered', data: { channels, reason: 'overflow' } });
    return taken.slice(1).map((m) => m.data);
  };
  describe(`[ENG-4] engine contract: ${label}`, () => {
    const opened: Engine[] = [];

    async function open(options: Partial<EngineOptions> = {}): Promise<OpenedEngine> {
      const engine = factory();
      const events: EngineEvent[] = [];
      engine.start({ ...ENGINE_DEFAULTS, ...options, onEvent: (e) => events.push(e) });
      opened.push(engine);
      await engine.ready?.();
      return { engine, events };
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((e) => e.close()));
    });

    it('[ENG-1] sessions: create, look up, data, destroy once', async () => {
      const { engine, events } = await open();
      const id = await engine.createSession({ user: 'ada', roles: ['a'] });
      expect(id).toMatch(/^[0-9a-z]{20,}$/);
      expect(await engine.hasSession(id)).toBe(true);
      expect(await engine.sessionData(id)).toEqual({ user: 'ada', roles: ['a'] });
      const plain = await engine.createSession();
      expect(await engine.sessionData(plain)).toBeUndefined();
      expect(await engine.destroySession(id, 'disconnect')).toBe(true);
      expect(await engine.destroySession(id, 'disconnect')).toBe(false);
      expect(await engine.hasSession(id)).toBe(false);
      expect(await engine.hasSession('nobody')).toBe(false);
      expect(events).toContainEqual({ type: 'session:added', clientId: id });
      expect(events.filter((e) => e.type === 'session:removed')).toEqual([
        { type: 'session:removed', clientId: id, reason: 'disconnect' },
      ]);
    });

    it('[SUB-1] subscriptions: counted, create channels with their parents, unknown session refused', async () => {
      const { engine, events } = await open();
      const id = await engine.createSession();
      expect(await engine.subscribe(id, '/a/b/*')).toBe('added');
      expect(await engine.subscribe(id, '/a/b/*')).toBe('present');
      expect(await engine.subscribe(id, '/c')).toBe('added');
      expect(await engine.subscriptionCount(id)).toBe(2);
      expect(await engine.hasChannel('/a/b/*')).toBe(true);
      expect(await engine.hasChannel('/a/b')).toBe(true);
      expect(await engine.hasChannel('/a')).toBe(true);
      expect(await engine.hasChannel('/z')).toBe(false);
      expect(events.filter((e) => e.type === 'subscription:added')).toHaveLength(2);
      expect(await engine.unsubscribe(id, '/c')).toBe(true);
      expect(await engine.subscriptionCount(id)).toBe(1);
      expect(await engine.subscribe('nobody', '/a')).toBe(false);
      expect(await engine.unsubscribe('nobody', '/a')).toBe(false);
      expect(await engine.subscriptionCount('nobody')).toBe(0);
      await engine.destroySession(id, 'server');
      expect(events.filter((e) => e.type === 'subscription:removed').map((e) => 'channel' in e && e.channel).sort()).toEqual([
        '/a/b/*',
        '/c',
      ]);
    });

    it('[PUB-1] a publish reaches each matching session once, in order, and take empties the queue', async () => {
      const { engine } = await open();
      const a = await engine.createSession();
      const b = await engine.createSession();
      const c = await engine.createSession();
      for (const p of ['/chat/room', '/chat/*', '/chat/**', '/**']) await engine.subscribe(a, p);
      await engine.subscribe(b, '/chat/*');
      await engine.subscribe(c, '/other');
      // a through four patterns and b through one: two sessions, five subscriptions.
      expect(await engine.publish({ channel: '/chat/room', data: 1 })).toBe(bySubscription ? 5 : 2);
      expect(await engine.publish({ channel: '/chat/room', data: 2 })).toBe(bySubscription ? 5 : 2);
      expect(await engine.publish({ channel: '/nobody/here', data: 3 })).toBe(1); // a's /**
      expect((await engine.take(a)).map((m) => m.data)).toEqual([1, 2, 3]);
      expect((await engine.take(b)).map((m) => m.data)).toEqual([1, 2]);
      expect(await engine.take(c)).toEqual([]);
      expect(await engine.take(a)).toEqual([]);
      expect(await engine.take('nobody')).toEqual([]);
    });

    it('[PUB-3] deliveries come back as they went in', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      await engine.subscribe(id, '/x');
      const message: Message = { channel: '/x', data: { text: 'é ☃ \u2028', n: [1, null, true], deep: { a: { b: 'c' } } } };
      await engine.publish(message);
      expect(await engine.take(id)).toEqual([message]);
    });

    it('[ENG-1] deliver queues for one session; an unknown one is refused', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      expect(await engine.deliver(id, [{ channel: '/service/x', data: 1 }, { channel: '/service/x', data: 2 }])).toBe(true);
      expect(await engine.deliver('nobody', [{ channel: '/service/x', data: 1 }])).toBe(false);
      expect((await engine.take(id)).map((m) => m.data)).toEqual([1, 2]);
    });

    it('[ENG-1] a watcher hears the queue become non-empty, a backlog at once, and the session going', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      await engine.subscribe(id, '/w');
      const woken = vi.fn();
      const unwatch = engine.watch(id, woken);
      await engine.publish({ channel: '/w', data: 1 });
      await waitFor(() => expect(woken).toHaveBeenCalled());
      unwatch();
      // Already queued when watching starts: told at once.
      const again = vi.fn();
      engine.watch(id, again);
      await waitFor(() => expect(again).toHaveBeenCalled());
      expect((await engine.take(id)).map((m) => m.data)).toEqual([1]);
      // Removed while watched: told, so a held connect can answer 402.
      const gone = vi.fn();
      engine.watch(id, gone);
      await engine.destroySession(id, 'server');
      await waitFor(() => expect(gone).toHaveBeenCalled());
      // Unknown session: told at once.
      const unknown = vi.fn();
      engine.watch('nobody', unknown);
      await waitFor(() => expect(unknown).toHaveBeenCalled());
    });

    it('[ENG-5] a session has one watcher: watching again replaces it; unwatch removes only the current one', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      await engine.subscribe(id, '/w5');
      const first = vi.fn();
      const second = vi.fn();
      engine.watch(id, first);
      engine.watch(id, second);
      await engine.publish({ channel: '/w5', data: 1 });
      await waitFor(() => expect(second).toHaveBeenCalled()); // (a replaced watcher may get a spurious call: ENG-1)
      expect((await engine.take(id)).map((m) => m.data)).toEqual([1]);
      if (!engine.unwatch) return; // optional (ENG-5): the Redis engines cancel through watch's return
      engine.unwatch(id, first); // not the session's watcher: nothing changes
      await engine.publish({ channel: '/w5', data: 2 });
      await waitFor(() => expect(second).toHaveBeenCalledTimes(2));
      expect((await engine.take(id)).map((m) => m.data)).toEqual([2]);
      engine.unwatch(id, second);
      await engine.publish({ channel: '/w5', data: 3 });
      const third = vi.fn(); // a backlog is told at once to whoever watches next
      engine.watch(id, third);
      await waitFor(() => expect(third).toHaveBeenCalled());
      expect(second).toHaveBeenCalledTimes(2);
    });

    it('[ACK-2] ack batches: unacknowledged deliveries come again first, acknowledged ones never', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      expect(await engine.deliveryMode(id)).toEqual({ ack: false });
      await engine.setAck(id, true);
      expect(await engine.deliveryMode(id)).toEqual({ ack: true, unacked: undefined });
      await engine.subscribe(id, '/ack');
      await engine.publish({ channel: '/ack', data: 1 });
      const first = await engine.takeBatch(id, undefined);
      expect(first.messages.map((m) => m.data)).toEqual([1]);
      await engine.publish({ channel: '/ack', data: 2 });
      // The client never got batch `first`: it comes again, before the new delivery.
      const second = await engine.takeBatch(id, first.batch - 1);
      expect(second.batch).toBeGreaterThan(first.batch);
      expect(second.messages.map((m) => m.data)).toEqual([1, 2]);
      await engine.publish({ channel: '/ack', data: 3 });
      const third = await engine.takeBatch(id, second.batch);
      expect(third.messages.map((m) => m.data)).toEqual([3]);
      const fourth = await engine.takeBatch(id, third.batch);
      expect(fourth.messages).toEqual([]);
      // Not in ack mode: a plain take, batch 0.
      const plain = await engine.createSession();
      await engine.subscribe(plain, '/ack');
      await engine.publish({ channel: '/ack', data: 4 });
      expect(await engine.takeBatch(plain, undefined)).toEqual({ batch: 0, messages: [{ channel: '/ack', data: 4 }] });
    });

    it('[LIMIT-6] drop-oldest keeps the newest maxQueue deliveries and says how many went', async () => {
      const { engine, events } = await open({ maxQueue: 3 });
      const id = await engine.createSession();
      await engine.subscribe(id, '/q');
      for (let i = 1; i <= 5; i++) await engine.publish({ channel: '/q', data: i });
      expect(afterOverflow(await engine.take(id), ['/q'])).toEqual([3, 4, 5]);
      const over = events.filter((e) => e.type === 'session:overflow');
      expect(over.reduce((n, e) => n + (e.type === 'session:overflow' ? e.dropped : 0), 0)).toBe(2);
      expect(await engine.hasSession(id)).toBe(true);
    });

    it('[LIMIT-6] the byte bound applies too', async () => {
      const { engine } = await open({ maxQueueBytes: 100 });
      const id = await engine.createSession();
      await engine.subscribe(id, '/q');
      for (let i = 0; i < 5; i++) await engine.publish({ channel: '/q', data: 'x'.repeat(30) + i });
      const kept = await engine.take(id);
      expect(kept.length).toBeLessThan(5);
      expect(kept.at(-1)?.data).toBe(`${'x'.repeat(30)}4`);
    });

    it('[LIMIT-6] a delivery larger than the byte bound is the one dropped; the queue stays', async () => {
      const { engine, events } = await open({ maxQueueBytes: 200 });
      const id = await engine.createSession();
      await engine.subscribe(id, '/q');
      await engine.publish({ channel: '/q', data: 'small' });
      await engine.publish({ channel: '/q', data: 'x'.repeat(500) });
      expect(afterOverflow(await engine.take(id), ['/q'])).toEqual(['small']);
      expect(events).toContainEqual({ type: 'session:overflow', clientId: id, dropped: 1, policy: 'drop-oldest' });
    });

    it('[LIMIT-6][ACK-2] an unacknowledged batch is bounded like a queue; deliveryMode names it', async () => {
      const { engine, events } = await open({ maxQueue: 3 });
      const id = await engine.createSession();
      await engine.setAck(id, true);
      await engine.subscribe(id, '/b');
      expect(await engine.deliveryMode(id)).toEqual({ ack: true, unacked: undefined });
      for (let i = 1; i <= 3; i++) await engine.publish({ channel: '/b', data: i });
      const first = await engine.takeBatch(id, undefined);
      expect(await engine.deliveryMode(id)).toEqual({ ack: true, unacked: first.batch });
      for (let i = 4; i <= 5; i++) await engine.publish({ channel: '/b', data: i });
      // Never acknowledged: resend + new would be 5; the oldest two go.
      const second = await engine.takeBatch(id, undefined);
      expect(afterOverflow(second.messages, ['/b'])).toEqual([3, 4, 5]);
      expect(events).toContainEqual({ type: 'session:overflow', clientId: id, dropped: 2, policy: 'drop-oldest' });
      await engine.takeBatch(id, second.batch);
      expect(await engine.deliveryMode(id)).toEqual({ ack: true, unacked: undefined });
    });

    it('[LIMIT-6] overflow "disconnect" removes the slow session', async () => {
      const { engine, events } = await open({ maxQueue: 2, overflow: 'disconnect' });
      const slow = await engine.createSession();
      const other = await engine.createSession();
      await engine.subscribe(slow, '/q');
      await engine.subscribe(other, '/q');
      const gone = vi.fn();
      engine.watch(slow, gone);
      for (let i = 0; i < 3; i++) {
        await engine.publish({ channel: '/q', data: i });
        await engine.take(other);
      }
      expect(await engine.hasSession(slow)).toBe(false);
      expect(await engine.hasSession(other)).toBe(true);
      expect(events).toContainEqual({ type: 'session:removed', clientId: slow, reason: 'overflow' });
      expect(events.some((e) => e.type === 'session:overflow' && e.policy === 'disconnect')).toBe(true);
      await waitFor(() => expect(gone).toHaveBeenCalled());
    });

    it('[API-2] a server-side listener sees matching publishes until removed', async () => {
      const { engine } = await open();
      const seen: unknown[] = [];
      const stop = engine.listen('/room/*', (m) => seen.push(m.data));
      await engine.ready?.();
      await engine.publish({ channel: '/room/1', data: 'a' });
      await engine.publish({ channel: '/elsewhere', data: 'b' });
      await waitFor(() => expect(seen).toEqual(['a']));
      stop();
      await engine.publish({ channel: '/room/1', data: 'c' });
      expect(seen).toEqual(['a']);
    });

    it('[SESS-2][SESS-3] a session that stops connecting is pruned; a held one is not', async () => {
      const { engine, events } = await open({ maxInterval: 150, sweepIntervalMs: 20 });
      const idle = await engine.createSession();
      const held = await engine.createSession();
      engine.connectOpened(held);
      await waitFor(() => expect(events).toContainEqual({ type: 'session:removed', clientId: idle, reason: 'pruned' }));
      expect(await engine.hasSession(held)).toBe(true);
      engine.connectClosed(held);
      await waitFor(() => expect(events).toContainEqual({ type: 'session:removed', clientId: held, reason: 'pruned' }));
      expect(events.filter((e) => e.type === 'session:removed')).toHaveLength(2);
    });

    it('[SWEEP-1] channels nobody uses are swept (children first); persistent ones stay', async () => {
      const { engine, events } = await open({ sweepIntervalMs: 20 });
      const id = await engine.createSession();
      await engine.subscribe(id, '/s/a/b');
      engine.setPersistent('/keep', true);
      await engine.ready?.();
      await engine.unsubscribe(id, '/s/a/b');
      await waitFor(async () => expect(await engine.hasChannel('/s')).toBe(false));
      expect(await engine.hasChannel('/keep')).toBe(true);
      const removed = events.flatMap((e) => (e.type === 'channel:removed' ? [e.channel] : []));
      expect(removed).toEqual(expect.arrayContaining(['/s/a/b', '/s/a', '/s']));
    });

    it('[SWEEP-1] a channel only published to is swept, and one kept by a listener or persistence once that stops', async () => {
      const { engine, events } = await open({ sweepIntervalMs: 20 });
      await engine.ready?.();
      const stop = engine.listen('/sw/heard', () => undefined);
      engine.setPersistent('/sw/kept', true);
      await engine.publish({ channel: '/sw/told', data: 1 });
      const removed = (): string[] => events.flatMap((e) => (e.type === 'channel:removed' ? [e.channel] : []));
      await waitFor(() => expect(removed()).toContain('/sw/told'));
      expect(await engine.hasChannel('/sw/heard')).toBe(true);
      expect(await engine.hasChannel('/sw/kept')).toBe(true);
      stop();
      engine.setPersistent('/sw/kept', false);
      await waitFor(async () => expect(await engine.hasChannel('/sw')).toBe(false));
      expect(removed()).toEqual(expect.arrayContaining(['/sw/heard', '/sw/kept', '/sw']));
    });

    it('[API-2] stats count clients, channels and subscriptions', async () => {
      const { engine } = await open({ sweepIntervalMs: 20 });
      const a = await engine.createSession();
      await engine.createSession();
      await engine.subscribe(a, '/st/x');
      await engine.subscribe(a, '/st/y');
      await waitFor(() => expect(engine.stats()).toMatchObject({ clients: 2, subscriptions: 2 }));
      expect(engine.stats().channels).toBeGreaterThanOrEqual(3);
    });

    it('[ENG-3] reads a shared engine answers over the network return promises', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      const reads = [
        engine.take(id),
        engine.takeBatch(id, undefined),
        engine.deliveryMode(id),
        engine.setAck(id, false),
        engine.hasChannel('/r'),
        engine.subscriptionCount(id),
      ];
      for (const read of reads) expect(read).toBeInstanceOf(Promise);
      await Promise.all(reads);
    });

    it('[ENG-3] takes of one session issued on one node resolve in the order issued', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      await engine.subscribe(id, '/o');
      // Each take is issued without waiting for the one before, as a consumer writing every result
      // when it resolves would; what they return, in resolution order, must be the queue's order.
      const resolved: number[] = [];
      const written: unknown[] = [];
      const takes: Promise<void>[] = [];
      for (let i = 0; i < 30; i++) {
        await engine.publish({ channel: '/o', data: i });
        takes.push(
          engine.take(id).then((messages) => {
            resolved.push(i);
            written.push(...messages.map((m) => m.data));
          }),
        );
      }
      await Promise.all(takes);
      expect(resolved).toEqual([...Array(30).keys()]);
      expect(written).toEqual([...Array(30).keys()]);
    });

    it('[ENG-2] __proto__ and constructor are ordinary channel names and ids', async () => {
      const { engine } = await open();
      const id = await engine.createSession();
      await engine.subscribe(id, '/__proto__');
      await engine.subscribe(id, '/constructor');
      await engine.publish({ channel: '/__proto__', data: 1 });
      await engine.publish({ channel: '/constructor', data: 2 });
      expect((await engine.take(id)).map((m) => m.data)).toEqual([1, 2]);
      expect(await engine.hasSession('__proto__')).toBe(false);
      expect(await engine.take('__proto__')).toEqual([]);
    });
  });
}
