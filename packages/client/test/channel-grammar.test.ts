/**
 * The client checks channel names with the server's own grammar (@kuiper/protocol), so `/a b` —
 * which the client once let through and the server answered with 405 — is refused before anything
 * is sent; and it recognises the server's errors through the protocol's table.
 */
import { isValidChannelName, patternMatches } from '@kuiper/protocol';
import { isValidChannelName as serverCheck } from '../../server/src/index.js';
import { newClient, startKuiper } from '@kuiper/testkit';
import { describe, expect, it, vi } from 'vitest';
import { KuiperClientError, channelMatches, createClient, isValidChannel, type Message } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

describe('channel names', () => {
  it('[CLI-4] the client checks names with the very function the server uses', () => {
    expect(isValidChannel).toBe(isValidChannelName);
    expect(serverCheck).toBe(isValidChannelName);
    expect(channelMatches).toBe(patternMatches);
  });

  it('[CLI-4] publish("/a b") rejects locally with the reason, and the server never sees it', async () => {
    const seen: string[] = [];
    const { url } = await startKuiper({
      extensions: [{ name: 'recorder', incoming: (message) => (seen.push(message.channel), message) }],
    });
    const client = newClient(url, { transports: ['long-polling'] });
    await client.whenConnected();

    const refused = await client.publish('/a b', { x: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(KuiperClientError);
    expect(refused).toMatchObject({ code: 'invalid_channel', message: 'cannot publish to "/a b": a channel name has no spaces or control characters' });
    expect(() => client.subscribe('/a b', () => {})).toThrow(/cannot subscribe to "\/a b": a channel name has no spaces/);

    // A publish after it is acknowledged in order, so had "/a b" gone out it would be seen by now.
    await client.publish('/a/b', { x: 2 });
    expect(seen).toContain('/a/b');
    expect(seen.filter((channel) => channel.includes(' '))).toEqual([]);
  });
});

describe('errors through the table', () => {
  it('[CLI-4] a refusal carries the Bayeux error parsed through the protocol table', async () => {
    const { url } = await startKuiper({ policy: { canPublish: () => 'no_token' } });
    const client = newClient(url, { transports: ['long-polling'] });
    const refused = await client.publish('/chat/a', 1).then(
      () => undefined,
      (error: unknown) => error as KuiperClientError,
    );
    expect(refused?.bayeuxError).toBe('403:no_token:publish_denied');
    expect(refused?.bayeux).toEqual({ code: 403, args: ['no_token'], message: 'publish_denied', name: 'publish_denied' });
  });

  /** A server that forgets session c1 when its subscribe arrives, answering with `refusal` and no advice. */
  function forgetful(refusal: string) {
    let handshakes = 0;
    let forgotten = false;
    let connectsOfC2 = 0;
    return scripted('fake', (m): Message[] | Promise<Message[]> => {
      if (m.channel === '/meta/handshake') return okReply(m, `c${++handshakes}`);
      const gone = (): Message[] => [{ id: m.id, channel: m.channel, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }];
      if (m.clientId === 'c1') {
        if (m.channel === '/meta/subscribe') {
          forgotten = true;
          return [{ id: m.id, channel: m.channel, successful: false, error: refusal }];
        }
        if (m.channel === '/meta/connect') return forgotten ? gone() : m.advice ? okReply(m) : new Promise((resolve) => setTimeout(() => resolve(gone()), 20));
      }
      if (m.channel === '/meta/connect' && ++connectsOfC2 > 1) return never();
      return okReply(m);
    });
  }

  it('[CLI-2] [PROTO-22] [PROTO-23] a 402 in another server\'s wording and with no advice still keeps the subscription', async () => {
    const t = forgetful('402::Unknown client');
    const errors: Error[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e) });
    onCleanup(() => client.disconnect());
    const sub = client.subscribe('/keep', () => {});
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    await sub.ready;
    expect(t.sent().filter((m) => m.channel === '/meta/subscribe').map((m) => m.clientId)).toEqual(['c1', 'c2']);
    expect(errors).toEqual([]);
  });

  it('[CLI-2] [PROTO-22] a refusal the table does not name session_unknown drops the subscription', async () => {
    const t = forgetful('403::session_unknown');
    const errors: Error[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e) });
    onCleanup(() => client.disconnect());
    const sub = client.subscribe('/keep', () => {});
    await expect(sub.ready).rejects.toMatchObject({ code: 'bayeux', bayeuxError: '403::session_unknown' });
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    expect(t.sent().filter((m) => m.channel === '/meta/subscribe').map((m) => m.clientId)).toEqual(['c1']);
    expect(errors.map((e) => e.message)).toEqual(['403::session_unknown']);
  });
});
