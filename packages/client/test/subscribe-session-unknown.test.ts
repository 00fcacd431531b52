/**
 * Regression (found by session-fuzz, seed 4242): a /meta/subscribe answered 402::session_unknown
 * dropped the subscription for good, so after the re-handshake the channel was never subscribed.
 * The client tells "the session is gone" from a refusal of the channel through the protocol's error
 * table (PROTO-22, PROTO-23), whatever the wording and with or without advice.
 */
import { describe, expect, it, vi } from 'vitest';
import { createClient, type Message } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

/** A server that forgets session c1 as its subscribe arrives, and answers that subscribe with `refusal`. */
function forgetful(refusal: Pick<Message, 'error' | 'advice'>) {
  let handshakes = 0;
  let forgotten = false;
  let connectsOfC2 = 0;
  const t = scripted('fake', (m): Message[] | Promise<Message[]> => {
    if (m.channel === '/meta/handshake') return okReply(m, `c${++handshakes}`);
    const gone = (): Message[] => [{ id: m.id, channel: m.channel, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }];
    if (m.clientId === 'c1') {
      if (m.channel === '/meta/subscribe') {
        forgotten = true; // the server lost the session just as the subscribe arrived
        return [{ id: m.id, channel: m.channel, successful: false, ...refusal }];
      }
      if (m.channel === '/meta/connect') return forgotten ? gone() : m.advice ? okReply(m) : new Promise((resolve) => setTimeout(() => resolve(gone()), 20));
    }
    if (m.channel === '/meta/connect' && ++connectsOfC2 > 1) return never();
    return okReply(m);
  });
  const errors: Error[] = [];
  const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e) });
  onCleanup(() => client.disconnect());
  const subscribesBy = (): Array<string | undefined> => t.sent().filter((m) => m.channel === '/meta/subscribe').map((m) => m.clientId);
  return { client, errors, subscribesBy };
}

describe('subscribe refused with 402', () => {
  it('[CLI-2] [CLI-16] keeps the subscription and sends it again after the new handshake', async () => {
    const { client, errors, subscribesBy } = forgetful({ error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } });
    const sub = client.subscribe('/keep', () => {});
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    await sub.ready;
    expect(subscribesBy()).toEqual(['c1', 'c2']);
    expect(errors).toEqual([]);
  });

  it('[CLI-2] [PROTO-22] [PROTO-23] a 402 in another server\'s wording and with no advice still keeps the subscription', async () => {
    const { client, errors, subscribesBy } = forgetful({ error: '402::Unknown client' });
    const sub = client.subscribe('/keep', () => {});
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    await sub.ready;
    expect(subscribesBy()).toEqual(['c1', 'c2']);
    expect(errors).toEqual([]);
  });

  it('[CLI-2] [PROTO-22] a refusal the table does not name session_unknown drops the subscription', async () => {
    const { client, errors, subscribesBy } = forgetful({ error: '403::session_unknown' });
    const sub = client.subscribe('/keep', () => {});
    await expect(sub.ready).rejects.toMatchObject({ code: 'bayeux', bayeuxError: '403::session_unknown' });
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    expect(subscribesBy()).toEqual(['c1']);
    expect(errors.map((e) => e.message)).toEqual(['403::session_unknown']);
  });
});
