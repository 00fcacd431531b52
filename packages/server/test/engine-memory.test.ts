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
