/**
 * `@kuiper/server/redis`: the Redis engine, on a subpath of its own so that embedding the server
 * with the default in-memory engine never loads `ioredis`.
 */
export { RedisEngine } from './engines/redis/engine.js';
export type { RedisEngineOptions } from './engines/redis/engine.js';
