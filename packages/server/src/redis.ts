/**
 * `@kuiper/server/redis`: the Redis engine, on a subpath of its own so that embedding the server
 * with the default in-memory engine never loads `ioredis`. `StreamRedisEngine` is its former name
 * (from when the stream engine was opt-in beside the per-session-queue engine it replaced).
 */
export { RedisEngine, RedisEngine as StreamRedisEngine } from './engines/redis/engine.js';
export type { StreamEngineOptions as RedisEngineOptions, StreamEngineOptions as StreamRedisEngineOptions } from './engines/redis/engine-options.js';
export { UNRECOVERED_CHANNEL } from './engines/session-state.js';
