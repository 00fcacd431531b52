/** The Kuiper client against a real Faye 1.4 server, over long-polling and over websocket. */
import { describe, expect, it, vi } from 'vitest';
import { createClient, type StatusEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { startFaye } from './helpers/faye-server.js';

async function setup(transport: string) {
  const faye = await startFaye();
  onCleanup(() => faye.close());
  const events: StatusEvent[] = [];
  const client = createClient(faye.url, { transports: [transport], onStatus: (e) => events.push(e) });
  onCleanup(() => client.disconnect());
  return { faye, client, events };
}

for (const transport of ['long-polling', 'websocket'] as const) {
  describe(`faye over ${transport}`, () => {
    it('[CLI-1] goes connecting → connected and names the transport', async () => {
      const { client, events, faye } = await setup(transport);
      expect(client.status).toBe('connecting');
      await client.whenConnected();
      expect(client.status).toBe('connected');
      expect(client.transport).toBe(transport);
      expect(client.clientId).toMatch(/\w+/);
      expect(events.map((e) => e.status)).toContain('connected');
      // Faye saw the connect on the chosen connection type.
      await vi.waitFor(() => expect(faye.received.some((m) => m.channel === '/meta/connect' && m.connectionType === transport)).toBe(true));
    });

    it('[CLI-2] [CLI-4] subscribes, publishes and receives in order; the publish promise settles on the ack', async () => {
      const { client } = await setup(transport);
      const got: unknown[] = [];
      const sub = client.subscribe<{ n: number }>('/chat/*', (data, message) => {
        expect(message.channel).toBe('/chat/room');
        got.push(data.n);
      });
      await sub.ready;
      for (let n = 0; n < 20; n++) await client.publish('/chat/room', { n });
      await vi.waitFor(() => expect(got).toEqual([...Array(20).keys()]));
    });

    it('[CLI-2] receives messages the server publishes, one server subscription for several handlers', async () => {
      const { client, faye } = await setup(transport);
      const a: unknown[] = [];
      const b: unknown[] = [];
      client.subscribe('/news', (d) => a.push(d));
      const second = client.subscribe('/news', (d) => b.push(d));
      await second.ready;
      expect(faye.received.filter((m) => m.channel === '/meta/subscribe')).toHaveLength(1);
      await faye.publish('/news', { headline: 'x' });
      await vi.waitFor(() => expect([a, b]).toEqual([[{ headline: 'x' }], [{ headline: 'x' }]]));
    });

    it('[CLI-3] unsubscribe stops delivery and sends /meta/unsubscribe after the last handler', async () => {
      const { client, faye } = await setup(transport);
      const got: unknown[] = [];
      const sub = client.subscribe('/u', (d) => got.push(d));
      await sub.ready;
      await client.publish('/u', 1);
      await vi.waitFor(() => expect(got).toEqual([1]));
      sub.unsubscribe();
      sub.unsubscribe(); // idempotent
      await vi.waitFor(() => expect(faye.received.filter((m) => m.channel === '/meta/unsubscribe')).toHaveLength(1));
      await client.publish('/u', 2);
      // A second subscriber on another channel proves later deliveries flow but /u's do not.
      const other: unknown[] = [];
      await client.subscribe('/v', (d) => other.push(d)).ready;
      await client.publish('/v', 3);
      await vi.waitFor(() => expect(other).toEqual([3]));
      expect(got).toEqual([1]);
    });

    it('[CLI-6] batch sends its messages together and each publish still settles', async () => {
      const { client } = await setup(transport);
      const got: unknown[] = [];
      await client.subscribe('/b', (d) => got.push(d)).ready;
      const promises: Promise<void>[] = [];
      client.batch(() => {
        for (let i = 0; i < 5; i++) promises.push(client.publish('/b', i));
      });
      await Promise.all(promises);
      await vi.waitFor(() => expect(got).toEqual([0, 1, 2, 3, 4]));
    });

    it('[CLI-7] disconnect ends the session on the server and rejects later publishes', async () => {
      const { client, faye } = await setup(transport);
      await client.whenConnected();
      await client.disconnect();
      expect(client.status).toBe('disconnected');
      await vi.waitFor(() => expect(faye.received.some((m) => m.channel === '/meta/disconnect')).toBe(true));
      await expect(client.publish('/x', 1)).rejects.toMatchObject({ code: 'disconnected' });
    });
  });
}

describe('faye negotiation', () => {
  it('[CLI-12] with the default preference order a Node client ends on websocket', async () => {
    const faye = await startFaye();
    onCleanup(() => faye.close());
    const client = createClient(faye.url);
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    expect(client.transport).toBe('websocket');
    const handshake = faye.received.find((m) => m.channel === '/meta/handshake');
    expect(handshake).toBeDefined();
  });

  it('[CLI-4] a publish the server refuses rejects with the Bayeux error string', async () => {
    const faye = await startFaye({
      extensions: [
        {
          incoming(message, callback) {
            if (message.channel === '/locked') message.error = '403::publish_denied';
            callback(message);
          },
        },
      ],
    });
    onCleanup(() => faye.close());
    const client = createClient(faye.url, { transports: ['long-polling'] });
    onCleanup(() => client.disconnect());
    await expect(client.publish('/locked', 1)).rejects.toThrow('403::publish_denied');
    await expect(client.publish('/locked', 1)).rejects.toMatchObject({ code: 'bayeux', bayeuxError: '403::publish_denied' });
    await expect(client.publish('/chat/*', 1)).rejects.toMatchObject({ code: 'invalid_channel' });
  });
});

describe('faye handshake ext', () => {
  it('[CLI-12] the ext option rides on every handshake (credentials, say)', async () => {
    const seen: unknown[] = [];
    const faye = await startFaye({
      extensions: [
        {
          incoming(message, callback) {
            if (message.channel === '/meta/handshake') seen.push(message['ext']);
            callback(message);
          },
        },
      ],
    });
    onCleanup(() => faye.close());
    let n = 0;
    const client = createClient(faye.url, { transports: ['long-polling'], ext: () => ({ token: `t${++n}` }) });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    // [CLI-31] The ack request rides beside it; Faye ignores it.
    expect(seen).toEqual([{ token: 't1', ack: true }]);
  });
});
