// The mount path as users write it — the root, a nested path, a trailing slash — with both real
// clients on both transports (the cometd client posts to <url>/handshake, <url>/connect, ...).
import { describe, it, expect } from 'vitest';
import { cleanup, eventually, startKuiper } from '@kuiper/testkit';
import { connectedCometD } from '../helpers/cometd.js';
import { createFaye } from '../helpers/faye.js';

const cases = ['/', '/api/bayeux', '/cometd/'].flatMap((path) =>
  (['long-polling', 'websocket'] as const).map((transport) => [path, transport] as const),
);

describe.each(cases)('[HTTP-1][WS-1] mounted at %s, %s', (path, transport) => {
  it('serves cometd and faye', async () => {
    const { url, server: kuiper } = await startKuiper({ path });
    const cometd = await connectedCometD(cleanup, url, transport);
    const faye = createFaye(cleanup, url, transport);
    const atCometd: unknown[] = [];
    const atFaye: unknown[] = [];
    await cometd.subscribe('/chat/mount', (m) => atCometd.push(m.data));
    await faye.subscribe('/chat/mount', (data) => atFaye.push(data));

    await kuiper.publish('/chat/mount', { n: 1 });
    await eventually(() => expect(atCometd).toEqual([{ n: 1 }]));
    await eventually(() => expect(atFaye).toEqual([{ n: 1 }]));
    expect(cometd.cometd.getTransport()?.type).toBe(transport);
  });
});
