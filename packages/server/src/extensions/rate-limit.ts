/**
 * Publishes per second per session, as a token bucket (SPEC: LIMIT-4). A publish (or service call)
 * past the bucket gets `429:<rate>:rate_limited`; meta messages are never limited, so a throttled
 * client can still connect and receive.
 */
import { reject } from '../core/extension.js';
import type { Extension } from '../core/extension.js';
import { IN_PROCESS } from '../core/core.js';

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

/** How often full buckets are looked for while any bucket is kept (LIMIT-4). */
const SWEEP_MS = 1_000;

export function rateLimitExtension(limit: RateLimit, now: () => number = Date.now): Extension {
  const buckets = new Map<string, Bucket>();
  let sweeping: NodeJS.Timeout | undefined;
  // [LIMIT-4] A full bucket says nothing a missing one does not (a session's next publish starts a
  // full one): buckets that refilled are dropped, so an idle session keeps none (~100 bytes each,
  // its Map entry included) and the map cannot grow without end. One unref'd timer, only while
  // buckets are kept; a session publishing less than once a sweep pays one more session lookup.
  const sweep = (): void => {
    sweeping = undefined;
    const t = now();
    for (const [id, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * limit.perSecond >= limit.burst) buckets.delete(id);
    if (buckets.size > 0) schedule();
  };
  const schedule = (): void => {
    sweeping = setTimeout(sweep, SWEEP_MS);
    sweeping.unref();
  };
  return {
    name: 'rate-limit',
    priority: -100,
    async incoming(message, ctx) {
      const clientId = message.clientId;
      if (clientId === undefined || message.channel.startsWith('/meta/')) return message;
      // [SEC-9] The server's own code (a backend feeding data) is not throttled as a client is.
      if (ctx.transport === IN_PROCESS) return message;
      const t = now();
      let bucket = buckets.get(clientId);
      if (bucket === undefined) {
        // Only sessions that exist get a bucket: forged clientIds must not grow this map (the core
        // answers them 402 right after).
        // An engine that cannot answer now: no bucket yet, the core says why (ENG-6).
        if (!(await ctx.engine.hasSession(clientId).catch(() => false))) return message;
        // Another message of the session may have made it while the lookup ran.
        bucket = buckets.get(clientId) ?? { tokens: limit.burst, at: t };
      }
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
      bucket.at = t;
      buckets.set(clientId, bucket);
      if (sweeping === undefined) schedule();
      if (bucket.tokens < 1) return reject('rate_limited', [String(limit.perSecond)]);
      bucket.tokens -= 1;
      return message;
    },
  };
}
