/**
 * Seeded fuzzing of the session against a scripted server that drops, refuses, forgets sessions
 * and breaks transports at random; fake timers make hours of retries instant. After each run the
 * server turns healthy and the client must recover on its own. Invariants checked throughout.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, type Message, type TransportFactory } from '../src/index.js';

type Behaviour = 'ok' | 'drop' | 'fail' | 'retry' | 'forget';

interface Model {
  clientId: string | undefined;
  issued: number;
  healthy: boolean;
  /** Outstanding held connects, per live transport instance. */
  held: Map<number, number>;
  maxHeld: number;
  subscribes: Message[];
}

function fuzzServer(choose: () => Behaviour, model: Model): TransportFactory[] {
  let instances = 0;
  const make = (name: string): TransportFactory => ({
    name,
    isUsable: () => true,
    create(ctx) {
      const instance = ++instances;
      let closed = false;
      model.held.set(instance, 0);
      const reply = (messages: Message[]) => queueMicrotask(() => !closed && ctx.receive(messages));
      return {
        name,
        async send(messages) {
          if (closed) throw new Error('closed');
          const behaviour = model.healthy ? 'ok' : choose();
          if (behaviour === 'fail') throw new Error('network down');
          for (const m of messages) {
            const base = { id: m.id, channel: m.channel };
            if (behaviour === 'forget') model.clientId = undefined;
            if (m.channel === '/meta/handshake') {
              if (behaviour === 'drop') continue;
              model.clientId = `c${++model.issued}`;
              reply([{ ...base, successful: true, clientId: model.clientId, supportedConnectionTypes: ['a', 'b'], advice: { reconnect: 'retry', interval: 0, timeout: 5_000 } }]);
              continue;
            }
            if (m.clientId !== model.clientId) {
              reply([{ ...base, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }]);
              continue;
            }
            if (m.channel === '/meta/connect') {
              const immediate = (m.advice as { timeout?: number } | undefined)?.timeout === 0;
              if (behaviour === 'retry') reply([{ ...base, successful: false, error: '500::busy', advice: { reconnect: 'retry' } }]);
              else if (immediate && behaviour === 'ok') reply([{ ...base, successful: true }]);
              else {
                // Held: answered never (until the transport is replaced) — count it.
                const now = (model.held.get(instance) ?? 0) + 1;
                model.held.set(instance, now);
                model.maxHeld = Math.max(model.maxHeld, [...model.held.values()].reduce((a, b) => a + b, 0));
              }
              continue;
            }
            if (m.channel === '/meta/subscribe') model.subscribes.push(m);
            if (behaviour !== 'drop') reply([{ ...base, successful: true }]);
          }
        },
        close() {
          closed = true;
          model.held.delete(instance);
        },
      };
    },
  });
  return [make('a'), make('b')];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('session fuzz', () => {
  it('[CLI-13] [CLI-15] [CLI-16] [CLI-18] recovers from any sequence of failures, one held connect at a time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Behaviour>('ok', 'ok', 'ok', 'drop', 'fail', 'retry', 'forget'), { minLength: 5, maxLength: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (script, r) => {
          vi.useFakeTimers();
          const model: Model = { clientId: undefined, issued: 0, healthy: false, held: new Map(), maxHeld: 0, subscribes: [] };
          let step = 0;
          const choose = () => script[step++ % script.length] as Behaviour;
          const errors: Error[] = [];
          const client = createClient('http://fuzz/bayeux', {
            transports: fuzzServer(choose, model),
            backoff: { base: 100, max: 2_000, random: () => r },
            requestTimeout: 1_000,
            openTimeout: 500,
            onError: (e) => errors.push(e),
          });
          client.subscribe('/a', () => {});
          client.subscribe('/b/**', () => {});
          const published = client.publish('/p', 1).catch((e: unknown) => e);
          for (let i = 0; i < script.length; i++) await vi.advanceTimersByTimeAsync(250);
          model.healthy = true;
          await vi.advanceTimersByTimeAsync(120_000);

          expect(client.status).toBe('connected');
          expect(client.clientId).toBe(model.clientId);
          const current = model.subscribes.filter((m) => m.clientId === model.clientId).map((m) => m.subscription);
          expect(new Set(current)).toEqual(new Set(['/a', '/b/**']));
          expect(model.maxHeld).toBeLessThanOrEqual(1);
          // The publish settled one way or the other; nothing is left hanging.
          await vi.advanceTimersByTimeAsync(10_000);
          const outcome = await Promise.race([published, Promise.resolve('pending')]);
          expect(outcome).not.toBe('pending');
          expect(errors.filter((e) => !/500::busy|402::/.test(e.message))).toEqual([]);
          await client.disconnect();
          vi.useRealTimers();
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
  }, 60_000);
});
