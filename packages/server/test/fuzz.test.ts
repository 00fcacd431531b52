/**
 * Seeded property tests of the codec and core: random and hostile batches never throw and always
 * produce well-formed replies. The seed is fixed so a failure reproduces; FUZZ_SEED overrides it.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { decodeBody } from '../src/core/codec.js';
import { harness } from './core-harness.js';

const seed = Number(process.env['FUZZ_SEED'] ?? 20261125);
const h = harness({ timeout: 0 });
afterAll(() => h.close());

const channels = fc.oneof(
  fc.constantFrom('/meta/handshake', '/meta/connect', '/meta/subscribe', '/meta/unsubscribe', '/meta/disconnect'),
  fc.constantFrom('/meta/subscribe/x', '/service/echo', '/chat/a', '/a/*/b', '/**', '/__proto__', ''),
  fc.string(),
  fc.anything(),
);

const hostileMessage = fc.record(
  {
    channel: channels,
    id: fc.oneof(fc.string(), fc.integer(), fc.anything()),
    clientId: fc.oneof(fc.string(), fc.constant('__proto__'), fc.anything()),
    subscription: fc.oneof(fc.string(), fc.array(fc.string()), fc.anything()),
    data: fc.anything(),
    ext: fc.oneof(fc.object(), fc.anything()),
    advice: fc.oneof(fc.record({ timeout: fc.integer() }), fc.anything()),
    supportedConnectionTypes: fc.oneof(fc.constant(['long-polling']), fc.anything()),
    connectionType: fc.anything(),
    __proto__: fc.anything(),
  },
  { requiredKeys: [] },
);

function wellFormed(reply: Message): void {
  expect(typeof reply.channel).toBe('string');
  if (reply.successful === false) expect(reply.error).toMatch(/^\d{3}:[^:]*:[a-z_]+$/);
  expect(() => JSON.stringify(reply)).not.toThrow();
}

describe('fuzz', () => {
  it('[CODEC-2] the codec never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const decoded = decodeBody(text, undefined);
        if (!decoded.ok) expect(decoded.error.wire).toMatch(/^400::/);
      }),
      { seed, numRuns: 2000 },
    );
  });

  it('[REPLY-1][REPLY-2] hostile batches never throw and every reply is well formed', async () => {
    const realId = await h.handshake();
    await fc.assert(
      fc.asyncProperty(fc.array(hostileMessage, { minLength: 1, maxLength: 8 }), fc.boolean(), async (batch, useReal) => {
        const raws = batch.map((m) => (useReal && typeof m.clientId !== 'string' ? { ...m, clientId: realId } : m));
        const replies = await h.connector.respond(raws as Record<string, unknown>[], 'long-polling');
        for (const reply of replies) wellFormed(reply);
        // Every message that is not ignored gets an answer (a handshake batch answers once).
        const hasHandshake = raws.some((m) => m['channel'] === '/meta/handshake');
        if (!hasHandshake) expect(replies.length).toBeGreaterThanOrEqual(raws.length);
      }),
      { seed, numRuns: 500 },
    );
  });
});
