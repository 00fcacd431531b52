/**
 * `@kuiper/server/redis`: the Redis engines, on a subpath of their own so that embedding the server
 * with the default in-memory engine never loads `ioredis`. `StreamRedisEngine` (ENG-STREAM-*) stores
 * a publish once per channel instead of once per subscriber.
 */
export { RedisEngine } from './engines/redis/engine.js';
export type { RedisEngineOptions } from './engines/redis/engine.js';
export { StreamRedisEngine } from './engines/redis/stream-engine.js';
export type { StreamRedisEngineOptions } from './engines/redis/stream-engine.js';
export { UNRECOVERED_CHANNEL } from './engines/redis/attachment.js';
