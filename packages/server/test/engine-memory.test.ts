// The engine contract against the in-memory engine (the default).
import type { Message } from '@kuiper/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryEngine } from '../src/engines/memory.js';
import { engineContract } from './engine-contract.js';
import { lifecycleContract } from './engine-lifecycle-contract.js';

engineContract('memory', () => new MemoryEngine(), { overflowNotice: true });
lifecycleContract('memory', () => new MemoryEngine());

describe('[API-2] the memory engine keeps one listener without a Set, and more in one', () => {
  it('[API-2] one, two, the same one twice, removed in any order: each hears until removed, a throwing one stops no other', async () => {
    const engine = new MemoryEngine();
    engine.start({ onEvent: () => {}, sweepIntervalMs: 3_600_000, maxInterval: 3_600_000, interval: 0, maxQueue: 10, maxQueueBytes: 1 << 16, overflow: 'drop-oldest' });
    const heard: string[] = [];
    const a = (m: Message): void => void heard.push(`a${String(m.data)}`);
    const b = (m: Message): void => void heard.push(`b${String(m.data)}`);
    const stopA = engine.listen('/r/1', a);
    const stopA2 = engine.listen('/r/1', a); // a Set keeps one; so does the single form
    await engine.publish({ channel: '/r/1', data: 1 });
    expect(heard).toEqual(['a1']);
    const stopThrows = engine.listen('/r/1', () => {
      throw new Error('a listener bug');
    });
    const stopB = engine.listen('/r/1', b);
    await engine.publish({ channel: '/r/1', data: 2 });
    expect(heard).toEqual(['a1', 'a2', 'b2']);
    stopA();
    stopA2(); // removing it again changes nothing
    stopThrows();
    await engine.publish({ channel: '/r/1', data: 3 });
    expect(heard).toEqual(['a1', 'a2', 'b2', 'b3']);
    stopB();
    await engine.publish({ channel: '/r/1', data: 4 });
    expect(heard).toEqual(['a1', 'a2', 'b2', 'b3']);
    // The single form: listen, remove, listen another.
    const stopSingle = engine.listen('/r/2', b);
    stopSingle();
    engine.listen('/r/2', a);
    await engine.publish({ channel: '/r/2', data: 5 });
    expect(heard.at(-1)).toBe('a5');
    await engine.close();
  });
});

describe('[LIMIT-10] the memory engine keeps no state of its own for a channel that is only a parent', () => {
  it('[LIMIT-10] a parent exists while its child does, and subscribing, listening or persisting on it works as on any channel', async () => {
    const events: string[] = [];
    const engine = new MemoryEngine();
    engine.start({ onEvent: (e) => void (e.type.startsWith('channel:') && events.push(`${e.type} ${(e as { channel: string }).channel}`)), sweepIntervalMs: 3_600_000, maxInterval: 3_600_000, interval: 0, maxQueue: 10, maxQueueBytes: 1 << 16, overflow: 'drop-oldest' });
    const a = await engine.createSession();
    await engine.subscribe(a, '/rooms/r1/doc');
    expect(events).toEqual(['channel:added /rooms/r1/doc', 'channel:added /rooms/r1', 'channel:added /rooms']);
    expect([await engine.hasChannel('/rooms/r1'), await engine.hasChannel('/rooms')]).toEqual([true, true]);
    expect(await engine.subscribers('/rooms/r1')).toEqual([]);
    // The bare parent becomes a channel of its own: a subscriber, a listener, persistence.
    const b = await engine.createSession();
    expect(await engine.subscribe(b, '/rooms/r1')).toBe('added');
    const heard: unknown[] = [];
    engine.listen('/rooms', (m) => void heard.push(m.data));
    engine.setPersistent('/rooms', true);
    expect(await engine.publish({ channel: '/rooms/r1', data: 'to the parent' })).toBe(1);
    await engine.publish({ channel: '/rooms', data: 'to the root' });
    expect(heard).toEqual(['to the root']);
    expect((await engine.take(b)).map((m) => m.data)).toEqual(['to the parent']);
    expect(events.filter((e) => e.startsWith('channel:added'))).toHaveLength(3); // none made twice
    // Swept once unused: the child, then its parent; the persistent root stays.
    await engine.unsubscribe(a, '/rooms/r1/doc');
    await engine.unsubscribe(b, '/rooms/r1');
    engine.sweep(Date.now());
    expect(events.slice(3)).toEqual(['channel:removed /rooms/r1/doc', 'channel:removed /rooms/r1']);
    expect([await engine.hasChannel('/rooms/r1'), await engine.hasChannel('/rooms')]).toEqual([false, true]);
    await engine.close();
  });
});
