// The least Redis can spend on a publish relayed between two nodes: one PUBLISH of the message to
// a pub/sub channel that two connections (standing in for the two nodes) subscribe to: no storage,
// no offsets, no script. Any engine that relays through Redis pub/sub (Kuiper's, Centrifugo's, the
// Socket.IO adapters') makes at least this call per publish. Measured on the case's own redis-server
// before the nodes start, at the case's publish rate, so the report can set the engine's Redis CPU
// per delivery beside the floor that no such engine goes under on this machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { BenchRedis } from './cluster-redis.ts';

export interface RelayFloor {
  /** Redis's CPU over the window per publish, its idle included (as the judged figure includes it). */
  usPerPublish: number;
  publishes: number;
  /** Messages the two subscribed connections received: 2 × publishes when none was lost. */
  received: number;
}

const CHANNEL = 'kuiper-bench-relay-floor';

/**
 * Publishes `json` at `perSec` for `durationMs` (bounded: it stops by itself) and returns Redis's
 * CPU per publish over that window, or undefined when INFO did not answer.
 */
export async function relayFloor(redis: BenchRedis, perSec: number, durationMs: number, json: string): Promise<RelayFloor | undefined> {
  const options = { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true };
  const subscribers = [new Redis(redis.url, options), new Redis(redis.url, options)];
  const publisher = new Redis(redis.url, options);
  let received = 0;
  try {
    for (const s of subscribers) {
      s.on('message', () => void received++);
      await s.connect();
      await s.subscribe(CHANNEL);
    }
    await publisher.connect();
    await sleep(200);
    const count = Math.max(1, Math.round((perSec * durationMs) / 1000));
    const before = await redis.cpuMicros();
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      // On a fixed schedule (not one after another), as the bench's publisher paces its publishes.
      const due = t0 + (i * 1000) / perSec;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await publisher.publish(CHANNEL, json);
    }
    // The window is whole periods: the last publish's period ends 1 / perSec after it was due.
    const end = t0 + (count * 1000) / perSec;
    const rest = end - performance.now();
    if (rest > 0) await sleep(rest);
    const after = await redis.cpuMicros();
    if (before === undefined || after === undefined) return undefined;
    return { usPerPublish: (after - before) / count, publishes: count, received };
  } finally {
    for (const c of [...subscribers, publisher]) c.disconnect();
  }
}
