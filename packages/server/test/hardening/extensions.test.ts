// The extension pipeline over the wire (issue 5, EXT-*): explicit order, transforms the core acts
// on, a stopped message gets an error reply (never silence), and a failing hook cannot take a reply
// away or crash the server.
import { describe, it, expect } from 'vitest';
import type { Extension } from '../../src/core/extension.js';
import { reject } from '../../src/core/extension.js';
import { cleanup, expectHealthy, msgId, onCleanup } from '@kuiper/testkit';
import { RAW_TRANSPORTS, exchangeOver, handshakeFor, startHardened } from './support.js';

describe.each(RAW_TRANSPORTS)('over %s', (transport) => {
  it('[EXT-1][EXT-2] incoming hooks run by priority, outgoing hooks in reverse, and transforms reach the core', async () => {
    const calls: string[] = [];
    const tag = (name: string, priority: number): Extension => ({
      name,
      priority,
      incoming: async (m) => (m.channel === '/ext/old' && calls.push(`in:${name}`), m),
      outgoing: (reply, request) => (request.channel === '/ext/new' && calls.push(`out:${name}`), reply),
    });
    // Registered out of order on purpose; `late` rewrites the channel, after the others saw it.
    const rewrite: Extension = { name: 'rewrite', priority: 10, incoming: (m) => (m.channel === '/ext/old' ? { ...m, channel: '/ext/new' } : m) };
    const server = await startHardened(cleanup, { extensions: [tag('b', 5), rewrite, tag('a', -5), tag('c', 20)] });
    const delivered: string[] = [];
    onCleanup(server.kuiper.subscribe('/ext/**', (m) => delivered.push(m.channel)));
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    const reply = await send({ channel: '/ext/old', clientId, data: {}, id: msgId() });
    expect(reply).toMatchObject({ channel: '/ext/new', successful: true });
    expect(delivered).toEqual(['/ext/new']);
    // `c` (priority 20) runs after the rewrite, so it saw /ext/new, not /ext/old.
    expect(calls).toEqual(['in:a', 'in:b', 'out:c', 'out:b', 'out:a']);
  });

  it('[EXT-3] a rejected message gets its error and advice; an incoming hook that throws gets 500::server_error', async () => {
    const server = await startHardened(cleanup, {
      extensions: [
        { name: 'stop', incoming: (m) => (m.channel === '/ext/stop' ? reject('publish_denied', ['stopped'], { reconnect: 'retry', interval: 500 }) : m) },
        {
          name: 'buggy',
          incoming: (m) => {
            if (m.channel === '/ext/boom') throw new Error('extension bug');
            return m;
          },
        },
      ],
    });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    const stopped = await send({ channel: '/ext/stop', clientId, data: {}, id: msgId() });
    expect(stopped).toMatchObject({ channel: '/ext/stop', successful: false, error: '403:stopped:publish_denied', advice: { reconnect: 'retry', interval: 500 } });
    const boom = await send({ channel: '/ext/boom', clientId, data: {}, id: msgId() });
    expect(boom).toMatchObject({ channel: '/ext/boom', successful: false, error: '500::server_error' });
    // Nothing leaked through: neither reached a subscriber, and the server is fine.
    expect(await server.kuiper.engine.hasChannel('/ext/stop')).toBe(false);
    await expectHealthy(server.url);
  });

  it('[EXT-2] an outgoing hook that throws cannot take the reply away', async () => {
    const server = await startHardened(cleanup, {
      extensions: [{ name: 'bad-out', outgoing: (reply) => (reply.channel === '/ext/x' ? Promise.reject(new Error('outgoing bug')) : reply) }],
    });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    expect(await send({ channel: '/ext/x', clientId, data: {}, id: msgId() })).toMatchObject({ channel: '/ext/x', successful: true });
  });
});
