/** Session rules checked deterministically with a scripted in-memory transport. */
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, createClient, type Message, type StatusEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

function connects(sent: Message[]): Message[] {
  return sent.filter((m) => m.channel === '/meta/connect');
}

describe('advice and reconnection', () => {
  it('[CLI-16] reconnect "none" on a connect stops the client with code stopped', async () => {
    let n = 0;
    const t = scripted('fake', (m) =>
      m.channel === '/meta/connect' && ++n === 2
        ? [{ id: m.id, channel: m.channel, successful: false, error: '403::go_away', advice: { reconnect: 'none' } }]
        : m.channel === '/meta/connect' && n > 2
          ? never()
          : okReply(m),
    );
    const client = createClient('http://fake/bayeux', { transports: [t.factory] });
    onCleanup(() => client.disconnect());
    await vi.waitFor(() => expect(client.status).toBe('disconnected'));
    expect(client.error).toMatchObject({ code: 'stopped', bayeuxError: '403::go_away' });
    expect(connects(t.sent())).toHaveLength(2);
  });

  it('[CLI-16] reconnect "retry" connects again after max(interval, backoffDelay(attempt))', async () => {
    let n = 0;
    const t = scripted('fake', (m) => {
      if (m.channel !== '/meta/connect') return okReply(m);
      n++;
      if (n === 2) return [{ id: m.id, channel: m.channel, successful: false, error: '500::busy', advice: { reconnect: 'retry', interval: 30 } }];
      return n === 1 || n === 3 ? okReply(m) : never();
    });
    const events: StatusEvent[] = [];
    const backoff = { base: 100, random: () => 0.1 };
    const client = createClient('http://fake/bayeux', { transports: [t.factory], backoff, onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    await vi.waitFor(() => expect(connects(t.sent())).toHaveLength(4));
    const retry = events.find((e) => e.retry)?.retry;
    expect(retry).toMatchObject({ attempt: 0, action: 'connect', delayMs: Math.max(30, backoffDelay(0, backoff)) });
    expect(client.status).toBe('connected');
    expect(client.clientId).toBe('c1');
  });

  it('[CLI-16] reconnect "handshake" handshakes again at once and resubscribes every channel', async () => {
    let handshakes = 0;
    let n = 0;
    const t = scripted('fake', (m) => {
      if (m.channel === '/meta/handshake') return okReply(m, `c${++handshakes}`);
      if (m.channel !== '/meta/connect') return okReply(m);
      n++;
      if (n === 2) return [{ id: m.id, channel: m.channel, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }];
      return n === 1 || n === 3 ? okReply(m) : never();
    });
    const events: StatusEvent[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    client.subscribe('/a', () => {});
    client.subscribe('/b/**', () => {});
    client.subscribe('/b/**', () => {});
    await vi.waitFor(() => expect(client.clientId).toBe('c2'));
    await vi.waitFor(() => expect(t.sent().filter((m) => m.channel === '/meta/subscribe' && m.clientId === 'c2')).toHaveLength(2));
    const resubscribed = t.sent().filter((m) => m.channel === '/meta/subscribe' && m.clientId === 'c2').map((m) => m.subscription);
    expect(resubscribed.sort()).toEqual(['/a', '/b/**']);
    expect(events.find((e) => e.retry)?.retry).toMatchObject({ action: 'handshake', delayMs: 0 });
  });

  it('[CLI-15] failed attempts wait backoffDelay(0), backoffDelay(1), … and report connecting until first connected', async () => {
    let down = true;
    const t = scripted('fake', (m) => (m.channel === '/meta/connect' && !down ? (connects(t.sent()).length > 1 ? never() : okReply(m)) : okReply(m)), {
      failSend: () => down,
    });
    const events: StatusEvent[] = [];
    const backoff = { base: 10, max: 80, random: () => 0.9 };
    const client = createClient('http://fake/bayeux', { transports: [t.factory], backoff, onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    await vi.waitFor(() => expect(events.filter((e) => e.retry)).toHaveLength(6));
    down = false;
    await vi.waitFor(() => expect(client.status).toBe('connected'));
    const retries = events.flatMap((e) => (e.retry ? [e] : []));
    retries.forEach((e, i) => {
      expect(e.status).toBe('connecting');
      expect(e.retry).toMatchObject({ attempt: i, action: 'handshake', delayMs: backoffDelay(i, backoff) });
    });
    // The window doubles and is capped: 0.9 × [10, 20, 40, 80, 80, 80].
    expect(retries.map((e) => e.retry?.delayMs).slice(0, 6)).toEqual([9, 18, 36, 72, 72, 72]);
  });

  it('[CLI-13] [CLI-18] an unproven transport that fails is left for the next one at once, keeping the clientId', async () => {
    const broken = scripted('broken', () => undefined, { failSend: () => true });
    const good = scripted('good', (m) => (m.channel === '/meta/connect' && connects(good.sent()).length > 1 ? never() : okReply(m)));
    const events: StatusEvent[] = [];
    const client = createClient('http://fake/bayeux', { transports: [broken.factory, good.factory], onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    expect(client.transport).toBe('good');
    expect(events.some((e) => e.retry)).toBe(false); // a fallback is not a backoff wait
    expect(broken.sent().map((m) => m.channel)).toEqual(['/meta/handshake']);
  });

  it('[CLI-12] the transport used after the handshake is the first of ours the server lists', async () => {
    const a = scripted('a', (m) => (m.channel === '/meta/handshake' ? [{ ...okReply(m)[0]!, supportedConnectionTypes: ['b', 'z'] }] : okReply(m)));
    const b = scripted('b', (m) => (m.channel === '/meta/connect' && connects(b.sent()).length > 1 ? never() : okReply(m)));
    const client = createClient('http://fake/bayeux', { transports: [a.factory, b.factory] });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    expect(client.transport).toBe('b');
    const handshake = a.sent()[0];
    expect(handshake?.supportedConnectionTypes).toEqual(['a', 'b']);
    expect(connects(b.sent())[0]).toMatchObject({ connectionType: 'b', clientId: 'c1', advice: { timeout: 0 } });
  });

  it('[CLI-12] no common transport stops with no_transport', async () => {
    const a = scripted('a', (m) => [{ ...okReply(m)[0]!, supportedConnectionTypes: ['z'] }]);
    const client = createClient('http://fake/bayeux', { transports: [a.factory] });
    await expect(client.whenConnected()).rejects.toMatchObject({ code: 'no_transport' });
    expect(client.error?.message).toContain('server offers [z]');
  });
});
