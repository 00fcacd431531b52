/** The Kuiper client against cometd-nodejs-server 1.2 (long-polling; it has no websocket). */
import type { ServerSession } from 'cometd-nodejs-server';
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { startCometd } from './helpers/cometd-server.js';

async function setup(options: Parameters<typeof startCometd>[0] = {}, transports: string[] = ['long-polling']) {
  const server = await startCometd(options);
  onCleanup(() => server.close());
  const client = createClient(server.url, { transports });
  onCleanup(() => client.disconnect());
  return { server, client };
}

describe('cometd-nodejs-server over long-polling', () => {
  it('[CLI-1] [CLI-2] [CLI-4] connects, subscribes, publishes and receives in order', async () => {
    const { client } = await setup();
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    const got: number[] = [];
    await client.subscribe<number>('/chat/**', (n) => got.push(n)).ready;
    await Promise.all([...Array(10).keys()].map((n) => client.publish('/chat/a/b', n)));
    await vi.waitFor(() => expect(got).toEqual([...Array(10).keys()]));
  });

  it('[CLI-3] unsubscribe stops deliveries', async () => {
    const { client, server } = await setup();
    const got: unknown[] = [];
    const sub = client.subscribe('/u', (d) => got.push(d));
    await sub.ready;
    sub.unsubscribe();
    await vi.waitFor(() => expect(server.cometd.getServerChannel('/u')?.subscribers ?? []).toHaveLength(0));
    await client.publish('/u', 1);
    expect(got).toEqual([]);
  });

  it('[CLI-5] call answers with the message the service delivers back to the sender', async () => {
    const { client, server } = await setup();
    server.cometd
      .createServerChannel('/service/echo')
      .addListener('message', (session: ServerSession, _channel: unknown, message: { data: unknown }, callback: () => void) => {
        session.deliver(null, '/service/echo', { echo: message.data });
        callback();
      });
    await expect(client.call('/service/echo', 'hi')).resolves.toEqual({ echo: 'hi' });
    const answers = await Promise.all([client.call('/service/echo', 1), client.call('/service/echo', 2)]);
    expect(answers).toEqual([{ echo: 1 }, { echo: 2 }]);
  });

  it('[CLI-2] [CLI-4] refusals reject with CometD error strings', async () => {
    const { client, server } = await setup();
    server.cometd.policy = {
      canSubscribe: (_s, _m, channel, callback) => callback(undefined, channel.name !== '/secret'),
      canPublish: (_s, _m, channel, callback) => callback(undefined, channel.name !== '/readonly'),
    };
    const errors: Error[] = [];
    client.onError((e) => errors.push(e));
    const sub = client.subscribe('/secret', () => {});
    await expect(sub.ready).rejects.toThrow('403::subscribe_denied');
    expect(errors.map((e) => e.message)).toContain('403::subscribe_denied');
    await expect(client.publish('/readonly', 1)).rejects.toThrow('403::publish_denied');
  });

  it('[CLI-12] [CLI-13] advertising websocket first still ends on long-polling, which the server lists', async () => {
    const { client } = await setup({}, ['websocket', 'long-polling']);
    await client.whenConnected();
    expect(client.transport).toBe('long-polling');
    const got: unknown[] = [];
    await client.subscribe('/x', (d) => got.push(d)).ready;
    await client.publish('/x', 'ok');
    await vi.waitFor(() => expect(got).toEqual(['ok']));
  });
});
