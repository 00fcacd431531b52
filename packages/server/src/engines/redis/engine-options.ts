/** What `new RedisEngine(options)` takes (`kuiper serve --redis` / `--redis-cluster`, `--redis-history` build it). */
import type { RedisTarget } from './link.js';

/**
 * Where Redis is (RedisTarget): `url` (default `redis://127.0.0.1:6379`) with `redis` options for
 * ioredis (TLS, Sentinel, retry strategy, ...); or `cluster` seed nodes of a Redis Cluster with
 * `clusterOptions` (REDIS-8); or `client`, an ioredis `Redis` or `Cluster` the engine duplicates.
 */
export interface StreamEngineOptions extends RedisTarget {
  /** Prefix of every key and pub/sub channel. Default `kuiper:`. On a cluster it must hold no `{`. */
  prefix?: string;
  /**
   * Entries each stream keeps (XADD MAXLEN ~, so a little more): how far back a session that was
   * away can recover. Default 1000; at least the queue bound (maxQueue) is kept.
   */
  historySize?: number;
  /**
   * How often a node writes its per-stream positions (ENG-STREAM-8), in ms. Default 1000: what a
   * session not in ack mode may be given again when its node is killed.
   */
  positionsMs?: number;
}

/** An attachment neither watched nor used for this long is let go (its feeds too). */
export const IDLE_MS = 30_000;
