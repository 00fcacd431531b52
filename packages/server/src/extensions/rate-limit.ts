/**
 * Publishes per second per session, as a token bucket (SPEC: LIMIT-4). A publish (or service call)
 * past the bucket gets `429:<rate>:rate_limited`; meta messages are never limited, so a throttled
 * client can still connect and receive.
 */
import { reject } from '../core/extension.js';
import type { Extension } from '../core/extension.js';

export interface RateLimit {
  /** Sustained publishes per second. */
  perSecond: number;
  /** Publishes allowed in a burst. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimitExtension(limit: RateLimit, now: () => number = Date.now): Extension {
  const buckets = new Map<string, Bucket>();
  let lastCleanup = now();
  return {
    name: 'rate-limit',
    priority: -100,
    async incoming(message, ctx) {
      const clientId = message.clientId;
      if (clientId === undefined || message.channel.startsWith('/meta/')) return message;
      const t = now();
      // Full, idle buckets carry no information: forget them so the map cannot grow without end.
      if (t - lastCleanup > 60_000) {
        lastCleanup = t;
        for (const [id, b] of buckets) if (t - b.at > 60_000) buckets.delete(id);
      }
      let bucket = buckets.get(clientId);
      if (bucket === undefined) {
        // Only sessions that exist get a bucket: forged clientIds must not grow this map (the core
        // answers them 402 right after).
        // An engine that cannot answer now: no bucket yet, the core says why (ENG-6).
        if (!(await ctx.engine.hasSession(clientId).catch(() => false))) return message;
        bucket = { tokens: limit.burst, at: t };
      }
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
      bucket.at = t;
      buckets.set(clientId, bucket);
      if (bucket.tokens < 1) return reject('rate_limited', [String(limit.perSecond)]);
      bucket.tokens -= 1;
      return message;
    },
  };
}
