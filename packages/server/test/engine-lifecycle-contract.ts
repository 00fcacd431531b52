// The lifecycle part of the engine contract (SPEC: LIFE-1..5): first subscriber, last subscriber,
// session removal and the subscriber query, the same on every engine. Registered by engineContract.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine, EngineOptions, LifecycleEvent } from '../src/core/engine.js';
import { ENGINE_DEFAULTS, type EngineFactory } from './engine-contract.js';

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });

interface Opened {
  engine: Engine;
  life: LifecycleEvent[];
}

/** A promise and its resolve/reject, to hold a hook open while the test looks. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function lifecycleContract(label: string, factory: EngineFactory): void {
  describe(`[ENG-4] engine lifecycle contract: ${label}`, () => {
    const opened: Engine[] = [];

    async function open(
      options: Partial<EngineOptions> = {},
      onLifecycle?: (event: LifecycleEvent) => Promise<void> | void,
    ): Promise<Opened> {
      const engine = factory();
      const life: LifecycleEvent[] = [];
      engine.start({
        ...ENGINE_DEFAULTS,
        ...options,
        onEvent: () => {},
        onLifecycle: (event) => {
          life.push(event);
          return onLifecycle?.(event);
        },
      });
      opened.push(engine);
      await engine.ready?.();
      return { engine, life };
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((e) => e.close()));
    });

    it('[LIFE-1][LIFE-3] the first subscriber occupies a channel, the last unsubscribe vacates it, once each', async () => {
      const { engine, life } = await open();
      const ada = await engine.createSession({ user: 'ada' });
      const bob = await engine.createSession({ user: 'bob' });
      expect(await engine.subscribe(ada, '/rooms/1/doc')).toBe('added');
      expect(await engine.subscribe(bob, '/rooms/1/doc')).toBe('added');
      expect(await engine.subscribe(ada, '/rooms/1/doc')).toBe('present');
      expect(await engine.subscribe(bob, '/rooms/*')).toBe('added');
      expect(life).toEqual([
        { type: 'occupied', channel: '/rooms/1/doc', clientId: ada, data: { user: 'ada' }, local: true },
        // A wildcard subscription is a channel of its own: it occupies `/rooms/*`, not what it matches.
        { type: 'occupied', channel: '/rooms/*', clientId: bob, data: { user: 'bob' }, local: true },
      ]);
      life.length = 0;
      expect(await engine.unsubscribe(ada, '/rooms/1/doc')).toBe(true);
      expect(await engine.unsubscribe(ada, '/rooms/1/doc')).toBe(true);
      expect(life).toEqual([]);
      await engine.unsubscribe(bob, '/rooms/1/doc');
      expect(life).toEqual([
        { type: 'vacated', channel: '/rooms/1/doc', clientId: bob, data: { user: 'bob' }, reason: 'unsubscribe', local: true },
      ]);
    });

    it('[LIFE-2] subscribe resolves only after the occupied handler did', async () => {
      const gate = deferred();
      const { engine } = await open({}, (e) => (e.type === 'occupied' ? gate.promise : undefined));
      const id = await engine.createSession();
      let done = false;
      const subscribing = engine.subscribe(id, '/slow').then((r) => {
        done = true;
        return r;
      });
      await waitFor(async () => expect(await engine.subscribers('/slow')).toHaveLength(1));
      expect(done).toBe(false);
      gate.resolve();
      expect(await subscribing).toBe('added');
    });

    it('[LIFE-2] an occupied handler that throws fails the subscribe and undoes it; the channel is vacated again', async () => {
      const { engine, life } = await open({}, (e) => {
        if (e.type === 'occupied') throw new Error('no document');
      });
      const id = await engine.createSession({ user: 'ada' });
      await expect(engine.subscribe(id, '/broken')).rejects.toThrow('no document');
      expect(await engine.subscriptionCount(id)).toBe(0);
      expect(await engine.subscribers('/broken')).toEqual([]);
      expect(life.map((e) => e.type)).toEqual(['occupied', 'vacated']);
      expect(life[1]).toMatchObject({ channel: '/broken', clientId: id, reason: 'unsubscribe' });
    });

    it('[LIFE-3][LIFE-4] a removed session: its removal (reason, data), then the channels it was last in', async () => {
      const { engine, life } = await open();
      const ada = await engine.createSession({ user: 'ada' });
      const bob = await engine.createSession();
      await engine.subscribe(ada, '/alone');
      await engine.subscribe(ada, '/shared');
      await engine.subscribe(bob, '/shared');
      life.length = 0;
      expect(await engine.destroySession(ada, 'disconnect')).toBe(true);
      expect(life).toEqual([
        { type: 'removed', clientId: ada, data: { user: 'ada' }, reason: 'disconnect', local: true },
        { type: 'vacated', channel: '/alone', clientId: ada, data: { user: 'ada' }, reason: 'disconnect', local: true },
      ]);
      expect(await engine.destroySession(ada, 'disconnect')).toBe(false);
      expect(life).toHaveLength(2);
    });

    it('[LIFE-2][LIFE-4] destroySession resolves after the removal handler', async () => {
      const gate = deferred();
      const { engine } = await open({}, (e) => (e.type === 'removed' ? gate.promise : undefined));
      const id = await engine.createSession();
      let done = false;
      const destroying = engine.destroySession(id, 'policy').then(() => {
        done = true;
      });
      await waitFor(async () => expect(await engine.hasSession(id)).toBe(false));
      expect(done).toBe(false);
      gate.resolve();
      await destroying;
    });

    it('[LIFE-4] pruned and overflowed sessions are reported with their reason', async () => {
      const { engine, life } = await open({ maxInterval: 150, sweepIntervalMs: 20, maxQueue: 1, overflow: 'disconnect' });
      const idle = await engine.createSession({ n: 1 });
      await engine.subscribe(idle, '/idle');
      const slow = await engine.createSession({ n: 2 });
      // Held and watched, as a held connect is: a stream engine bounds what it reads for a session
      // (ENG-STREAM-2), and reads for the sessions whose connects it holds.
      engine.connectOpened(slow);
      engine.watch(slow, () => undefined);
      await engine.subscribe(slow, '/flood');
      await engine.publish({ channel: '/flood', data: 1 });
      await engine.publish({ channel: '/flood', data: 2 });
      await waitFor(() =>
        expect(life).toEqual(
          expect.arrayContaining([
            { type: 'removed', clientId: slow, data: { n: 2 }, reason: 'overflow', local: true },
            { type: 'vacated', channel: '/flood', clientId: slow, data: { n: 2 }, reason: 'overflow', local: true },
            { type: 'removed', clientId: idle, data: { n: 1 }, reason: 'pruned', local: true },
            { type: 'vacated', channel: '/idle', clientId: idle, data: { n: 1 }, reason: 'pruned', local: true },
          ]),
        ),
      );
    });

    it('[LIFE-5] subscribers: exactly the channel, with each session’s data; wildcard subscribers are not members', async () => {
      const { engine } = await open();
      const ada = await engine.createSession({ user: 'ada' });
      const bob = await engine.createSession();
      const watcher = await engine.createSession({ user: 'ops' });
      await engine.subscribe(ada, '/rooms/2/presence');
      await engine.subscribe(bob, '/rooms/2/presence');
      await engine.subscribe(watcher, '/rooms/**');
      const byId = <T extends { clientId: string }>(list: T[]): T[] => [...list].sort((x, y) => x.clientId.localeCompare(y.clientId));
      expect(byId(await engine.subscribers('/rooms/2/presence'))).toEqual(
        byId([
          { clientId: ada, data: { user: 'ada' } },
          { clientId: bob, data: undefined },
        ]),
      );
      expect(await engine.subscribers('/rooms/**')).toEqual([{ clientId: watcher, data: { user: 'ops' } }]);
      expect(await engine.subscribers('/nobody')).toEqual([]);
      await engine.destroySession(bob, 'disconnect');
      expect(await engine.subscribers('/rooms/2/presence')).toEqual([{ clientId: ada, data: { user: 'ada' } }]);
    });

    it('[LIFE-7] session: its id and data while it exists, undefined after', async () => {
      const { engine } = await open();
      const id = await engine.createSession({ user: 'ada', roles: ['a'] });
      expect(await engine.session(id)).toEqual({ clientId: id, data: { user: 'ada', roles: ['a'] } });
      expect(await engine.session('nobody')).toBeUndefined();
      await engine.destroySession(id, 'disconnect');
      expect(await engine.session(id)).toBeUndefined();
    });
  });
}
