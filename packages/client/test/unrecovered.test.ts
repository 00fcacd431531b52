/**
 * [CLI-38] The server's `/service/kuiper/unrecovered` notice reaches the application as an event,
 * never as a message to its subscriptions; on a shared connection, to the tabs it concerns.
 */
import { describe, expect, it, vi } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { createClient, createSharedClient, UNRECOVERED_CHANNEL, type KuiperClient, type UnrecoveredEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { fakeLocks } from './helpers/fake-locks.js';

async function startServer() {
  const server = createKuiperServer({ path: '/bayeux', timeout: 5_000 });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  onCleanup(() => server.close());
  return { server, url };
}

function track(client: KuiperClient, channel: string) {
  const messages: unknown[] = [];
  const events: UnrecoveredEvent[] = [];
  client.onUnrecovered((event) => events.push(event));
  const subscription = client.subscribe(channel, (data) => messages.push(data));
  return { messages, events, ready: subscription.ready };
}

describe('unrecovered notices', () => {
  for (const ack of [true, false]) {
    it(`[CLI-38] a notice the server delivers is an event for the listener, not a message for the subscriptions (ack ${ack})`, async () => {
      const { server, url } = await startServer();
      const client = createClient(url, { transports: ['websocket'], ack });
      onCleanup(() => client.disconnect());
      const room = track(client, '/rooms/**');
      const all: unknown[] = [];
      client.subscribe('/service/**', (data) => all.push(data)); // even a catch-all service subscription
      await room.ready;
      const clientId = client.clientId ?? '';
      await server.deliver(clientId, UNRECOVERED_CHANNEL, { channels: ['/rooms/a/doc', '/elsewhere'], reason: 'trimmed' });
      await server.publish('/rooms/a/doc', 'after');
      await vi.waitFor(() => expect(room.messages).toEqual(['after']));
      // Only the channels this client is subscribed to are named.
      expect(room.events).toEqual([{ channels: ['/rooms/a/doc'], reason: 'trimmed' }]);
      expect(all).toEqual([]);
    });
  }

  it('[CLI-38] a notice naming none of the client\'s subscriptions, or unreadable, tells nobody', async () => {
    const { server, url } = await startServer();
    const client = createClient(url, { transports: ['long-polling'], ack: false });
    onCleanup(() => client.disconnect());
    const sub = track(client, '/a');
    await sub.ready;
    const clientId = client.clientId ?? '';
    await server.deliver(clientId, UNRECOVERED_CHANNEL, { channels: ['/b'], reason: 'epoch' });
    await server.deliver(clientId, UNRECOVERED_CHANNEL, 'garbage');
    await server.deliver(clientId, UNRECOVERED_CHANNEL, { channels: ['/a'], reason: 'epoch' });
    await vi.waitFor(() => expect(sub.events).toEqual([{ channels: ['/a'], reason: 'epoch' }]));
    expect(sub.messages).toEqual([]);
  });

  it('[CLI-38] on a shared connection each tab hears the notice for its own subscriptions only', async () => {
    const { server, url } = await startServer();
    const locks = fakeLocks();
    const shareName = `unrecovered-${Math.random()}`;
    const tabs = [0, 1, 2].map(() => createSharedClient(url, { transports: ['long-polling'], locks, shareName, ack: false }));
    for (const tab of tabs) onCleanup(() => tab.disconnect());
    await Promise.all(tabs.map((t) => t.whenConnected()));
    const seen = [track(tabs[0]!, '/x'), track(tabs[1]!, '/y/*'), track(tabs[2]!, '/z')];
    await Promise.all(seen.map((s) => s.ready));
    await server.deliver(tabs[0]?.clientId ?? '', UNRECOVERED_CHANNEL, { channels: ['/x', '/y/1'], reason: 'trimmed' });
    await vi.waitFor(() => expect(seen.map((s) => s.events.length)).toEqual([1, 1, 0]));
    expect(seen[0]?.events).toEqual([{ channels: ['/x'], reason: 'trimmed' }]);
    expect(seen[1]?.events).toEqual([{ channels: ['/y/1'], reason: 'trimmed' }]);
    expect(seen.flatMap((s) => s.messages)).toEqual([]);
  });
});
