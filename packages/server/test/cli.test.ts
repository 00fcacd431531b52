import { afterEach, describe, expect, it } from 'vitest';
import { runKuiper, stopKuiperProcesses } from './helpers/kuiper-process.js';

afterEach(stopKuiperProcesses);

describe('kuiper serve', () => {
  it('[API-3] starts from the command line, speaks Bayeux and serves stats', async () => {
    const url = await runKuiper(['serve', '--port', '0', '--host', '127.0.0.1', '--path', '/bayeux', '--stats'], { KUIPER_LOG: 'info' }).listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bayeux$/);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]),
    });
    const [reply] = (await res.json()) as { clientId: string; successful: boolean }[];
    expect(reply?.successful).toBe(true);
    await fetch(url, {
      method: 'POST',
      body: JSON.stringify([{ channel: '/meta/subscribe', clientId: reply?.clientId, subscription: '/x/**' }]),
    });
    const stats = await (await fetch(new URL('/_kuiper/stats', url))).json();
    expect(stats).toEqual({ clients: 1, channels: 2, subscriptions: 1 });
  }, 60_000);

  it('refuses a bad flag with a clear message and exit code 2', async () => {
    const { code, err } = await runKuiper(['serve', '--port', 'abc']).exited;
    expect(code).toBe(2);
    expect(err).toContain('--port must be a whole number');
  }, 60_000);
});
