// Redis engines started in-process on fresh prefixes, closed after each test, and a MONITOR of what
// Redis ran meanwhile: the engine-level tests of the stream engine (engine-redis-stream, -ack).
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';
import type { EngineOptions } from '../../src/core/engine.js';
import { RedisEngine, type RedisEngineOptions } from '../../src/redis.js';
import { ENGINE_DEFAULTS } from '../engine-contract.js';
import { REDIS_URL, deletePrefix, randomPrefix } from './redis.js';
import { RedisMonitor } from './redis-monitor.js';

const used: string[] = [];
const open: RedisEngine[] = [];
const spies: Redis[] = [];
const monitors: RedisMonitor[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
  for (const spy of spies.splice(0)) spy.disconnect();
  for (const monitor of monitors.splice(0)) monitor.close();
});
afterAll(async () => {
  for (const p of used.splice(0)) await deletePrefix(p);
});

/** A plain Redis connection, disconnected after the test. */
export function spy(): Redis {
  const redis = new Redis(REDIS_URL);
  spies.push(redis);
  return redis;
}

/** A node of the cluster on `prefix`, started and ready. */
export async function node(prefix: string, options: Partial<EngineOptions> = {}, engine: RedisEngineOptions = {}): Promise<RedisEngine> {
  const made = new RedisEngine({ url: REDIS_URL, prefix, ...engine });
  made.start({ ...ENGINE_DEFAULTS, ...options, onEvent: () => undefined });
  open.push(made);
  await made.ready();
  return made;
}

/** `count` nodes on one fresh prefix. */
export async function cluster(count: number, options: Partial<EngineOptions> = {}, engine: RedisEngineOptions = {}): Promise<RedisEngine[]> {
  const prefix = randomPrefix();
  used.push(prefix);
  return Promise.all(Array.from({ length: count }, () => node(prefix, options, engine)));
}

/** Every command Redis runs under `prefix` (scripts' own commands included) while `act` runs. */
export async function commandsDuring(prefix: string, act: () => Promise<unknown>): Promise<string[]> {
  return (await monitorDuring(prefix, act)).seen;
}

/** The monitor of the commands Redis ran under `prefix` while `act` ran (`sent`: clients' only). */
export async function monitorDuring(prefix: string, act: () => Promise<unknown>): Promise<RedisMonitor> {
  const probe = spy();
  const monitor = new RedisMonitor(prefix);
  monitors.push(monitor);
  await monitor.ready();
  await act();
  // MONITOR shows commands in the order Redis ran them: once the marker shows, all before it have.
  const marker = `${prefix}monitor-end`;
  const ended = monitor.until(marker);
  await probe.get(marker);
  await ended;
  return monitor;
}
