/** [CLI-39] What waited for a session leaves right behind its handshake, not a round trip later. */
import { describe, expect, it, vi } from 'vitest';
import { newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { getTransport, type Message, type TransportFactory } from '../src/index.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

type Event = { readonly way: 'out' | 'in'; readonly channels: string[] };

/** The named transport, with every batch it sends and receives written down in order. */
function recorded(name: string): { factory: TransportFactory; log: Event[] } {
  const inner = getTransport(name);
  if (!inner) throw new Error(`no transport ${name}`);
  const log: Event[] = [];
  const factory: TransportFactory = {
    name,
    isUsable: (env, url) => inner.isUsable(env, url),
    create(context) {
      const t = inner.create({
        ...context,
        receive: (messages) => {
          log.push({ way: 'in', channels: messages.map((m) => m.channel) });
          context.receive(messages);
        },
      });
      return {
        name: t.name,
        streaming: t.streaming,
        send: (messages, options) => {
          log.push({ way: 'out', channels: messages.map((m) => m.channel) });
          return t.send(messages, options);
        },
        close: () => t.close(),
      };
    },
  };
  return { factory, log };
}

const firstIndex = (log: Event[], way: Event['way'], channel: string): number => log.findIndex((e) => e.way === way && e.channels.includes(channel));

for (const transport of ['websocket', 'long-polling'] as const) {
  describe(`over the Kuiper server, ${transport}`, () => {
    it('[CLI-39] subscribes, publishes and calls made before connecting leave behind the handshake, before the first connect is answered, once each', async () => {
      const k = await startKuiper({ timeout: 5_000 });
      k.server.addService('/service/echo', async (data) => data);
      const heard: unknown[] = [];
      k.server.subscribe('/early/publish', (message) => heard.push(message.data));
      const { factory, log } = recorded(transport);
      const client = newClient(k.url, { transports: [factory] });

      const got: unknown[] = [];
      const sub = client.subscribe('/early/news', (data) => got.push(data));
      const published = client.publish('/early/publish', 'first');
      const answered = client.call('/service/echo', { n: 1 });
      await Promise.all([sub.ready, published]);
      await expect(answered).resolves.toEqual({ n: 1 });
      await client.whenConnected();

      // One batch behind the handshake, in the order they were made, sent before the first
      // connect's answer came back.
      const early = log.find((e) => e.way === 'out' && e.channels.includes('/meta/subscribe'));
      expect(early?.channels).toEqual(['/meta/subscribe', '/early/publish', '/service/echo']);
      const sentAt = log.indexOf(early as Event);
      expect(sentAt).toBeGreaterThan(firstIndex(log, 'in', '/meta/handshake'));
      expect(sentAt).toBeLessThan(firstIndex(log, 'in', '/meta/connect'));
      // Not sent a second time once connected.
      const subscribes = log.filter((e) => e.way === 'out').flatMap((e) => e.channels).filter((c) => c === '/meta/subscribe');
      expect(subscribes).toHaveLength(1);

      expect(heard).toEqual(['first']);
      await k.server.publish('/early/news', 'live');
      await vi.waitFor(() => expect(got).toEqual(['live']));
    });
  });
}

describe('when the early batch is lost', () => {
  it('[CLI-39] [CLI-2] a subscription sent behind a handshake whose connect failed goes again on the session that connects', async () => {
    let handshakes = 0;
    let connects = 0;
    const t = scripted('fake', (m: Message) => {
      if (m.channel === '/meta/handshake') return okReply(m, `c${++handshakes}`);
      // The first session's subscribe is never answered: its connection drops under it.
      if (m.channel === '/meta/subscribe' && m.clientId === 'c1') return never<Message[]>();
      if (m.channel === '/meta/connect') {
        connects++;
        if (connects === 1) {
          queueMicrotask(() => t.fail(new Error('socket closed')));
          return never<Message[]>();
        }
        // The retry finds the session gone: a new handshake, and the subscription goes behind it.
        if (connects === 2) return [{ id: m.id, channel: m.channel, successful: false, error: '402::session_unknown', advice: { reconnect: 'handshake', interval: 0 } }];
        if (connects > 3) return never<Message[]>();
      }
      return okReply(m, m.clientId);
    });
    const client = newClient('http://fake/bayeux', { transports: [t.factory], backoff: { base: 1 } });
    onCleanup(() => client.disconnect());
    const sub = client.subscribe('/x', () => {});
    await sub.ready;
    await client.whenConnected();
    const subscribes = t.sent().filter((m) => m.channel === '/meta/subscribe');
    expect(subscribes.map((m) => m.clientId)).toEqual(['c1', 'c2']);
    expect(client.clientId).toBe('c2');
  });
});

describe('unsubscribing before connected', () => {
  it('[CLI-39] [CLI-3] a subscription sent behind the handshake and dropped before the first connect is answered is unsubscribed on the server', async () => {
    const t = scripted('fake', (m: Message) => (m.channel === '/meta/connect' ? never<Message[]>() : okReply(m)));
    const client = newClient('http://fake/bayeux', { transports: [t.factory], requestTimeout: 60_000 });
    onCleanup(() => client.disconnect());
    const sub = client.subscribe('/x', () => {});
    await sub.ready; // answered while the first connect is still unanswered
    expect(client.status).toBe('connecting');
    sub.unsubscribe();
    await vi.waitFor(() => expect(t.sent().some((m) => m.channel === '/meta/unsubscribe' && m.subscription === '/x')).toBe(true));
  });
});
