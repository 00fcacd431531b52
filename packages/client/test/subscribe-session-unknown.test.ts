/**
 * Regression (found by session-fuzz, seed 4242): a /meta/subscribe answered 402::session_unknown
 * dropped the subscription for good, so after the re-handshake the channel was never subscribed.
 */
import { describe, expect, it, vi } from 'vitest';
import { createClient, type Message } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

describe('subscribe refused with 402', () => {
  it('[CLI-2] [CLI-16] keeps the subscription and sends it again after the new handshake', async () => {
    let handshakes = 0;
    let forgotten = false;
    let connectsOfC2 = 0;
    const t = scripted('fake', (m): Message[] | Promise<Message[]> => {
      if (m.channel === '/meta/handshake') return okReply(m, `c${++handshakes}`);
      const gone = (): Message[] => [{ id: m.id, channel: m.channel, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }];
      if (m.clientId === 'c1') {
        if (m.channel === '/meta/subscribe') {
          forgotten = true; // the server lost the session just as the subscribe arrived
          return gone();
        }
        if (m.channel === '/meta/connect') return forgotten ? gone() : m.advice ? okReply(m) : new Promise((resolve) => setTimeout(() => resolve(gone()), 20));
      }
      if (m.channel === '/meta/connect' && ++connectsOfC2 > 1) return never();
      return okReply(m);
    });
    const errors: Error[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e) });
    onCleanup(() => client.disconnect());
    const sub = client.subscribe('/keep', () => {});
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    await sub.ready;
    expect(t.sent().filter((m) => m.channel === '/meta/subscribe').map((m) => m.clientId)).toEqual(['c1', 'c2']);
    expect(errors).toEqual([]);
  });
});
