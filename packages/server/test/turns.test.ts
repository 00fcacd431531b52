// The Redis engine's turns of takes (SPEC: ENG-3, REDIS-7): takes issued in one event-loop turn go
// together, and so do all those issued while the turn before waits for Redis; turns run one after
// another, so a session's takes resolve in the order issued. Pure: a served turn is a promise the
// test settles.
import { describe, expect, it } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { type BatchTaker, type Taker, Turns } from '../src/engines/redis/turns.js';

/** Turns whose serve() waits until the test lets each one go; records who each turn served. */
function controlled() {
  const served: string[][] = [];
  const release: (() => void)[] = [];
  const turns = new Turns((takers: Taker[], batchTakers: BatchTaker[]) => {
    served.push([...takers.map((t) => t.clientId), ...batchTakers.map((t) => `ack:${t.clientId}`)]);
    return new Promise<void>((resolve) =>
      release.push(() => {
        for (const t of takers) t.resolve([{ channel: '/t', data: t.clientId }] as Message[]);
        for (const t of batchTakers) t.resolve({ batch: 1, messages: [] });
        resolve();
      }),
    );
  });
  return { turns, served, release };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Turns', () => {
  it('[REDIS-7] takes issued in one event-loop turn are one turn', async () => {
    const { turns, served, release } = controlled();
    const all = [turns.take('a'), turns.take('b'), turns.takeBatch('c', undefined)];
    await tick();
    expect(served).toEqual([['a', 'b', 'ack:c']]);
    release[0]?.();
    await Promise.all(all);
  });

  it('[REDIS-7][ENG-3] takes issued while a turn waits for Redis go together in the next one, in the order issued', async () => {
    const { turns, served, release } = controlled();
    const order: string[] = [];
    const note = (p: Promise<Message[]>) => p.then((m) => void order.push(String(m[0]?.data)));
    const first = note(turns.take('a'));
    await tick();
    expect(turns.busy).toBe(true);
    // Three later event-loop turns, the first one still waiting for Redis: one turn after it, not three.
    const later: Promise<unknown>[] = [];
    for (const id of ['b', 'a', 'c']) {
      later.push(note(turns.take(id)));
      await tick();
    }
    later.push(turns.takeBatch('d', 3));
    await tick();
    expect(served).toEqual([['a']]);
    release[0]?.();
    await first;
    await tick();
    expect(served).toEqual([['a'], ['b', 'a', 'c', 'ack:d']]);
    release[1]?.();
    await Promise.all(later);
    expect(order).toEqual(['a', 'b', 'a', 'c']);
    expect(turns.busy).toBe(false);
  });
});
