// [SERVE-7] listen({ otherRequests }): the app's handler gets what is not Kuiper's before the 404,
// and one that throws answers 500 without taking the server down.
import { describe, expect, it } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { createKuiperServer } from '../../src/index.js';

describe('listen({ otherRequests })', () => {
  it('[SERVE-7] answers the app\'s paths, 404s the rest, and survives a handler that throws', async () => {
    const kuiper = createKuiperServer({ path: '/bayeux' });
    onCleanup(() => kuiper.close());
    const { url } = await kuiper.listen({
      port: 0,
      host: '127.0.0.1',
      otherRequests: (req, res) => {
        if (req.url === '/boom') throw new Error('bug in the app');
        if (req.url !== '/hello') return false;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('hi');
        return true;
      },
    });
    const origin = new URL(url).origin;
    expect(await (await fetch(`${origin}/hello`)).text()).toBe('hi');
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${origin}/boom`)).status).toBe(500);
    expect(await (await fetch(`${origin}/hello`)).text()).toBe('hi'); // still serving
    const handshake = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]) });
    expect((await handshake.json())[0]).toMatchObject({ successful: true }); // Kuiper's own paths first
  });
});
