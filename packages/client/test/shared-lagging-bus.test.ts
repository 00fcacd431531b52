/**
 * [CLI-36] A leader tab's last broadcasts can still be on their way to the other tabs when its tab
 * is gone and the next tab takes the lock (in a browser, the old tab's messages and the lock's
 * release travel different paths). The leader acknowledges a batch to the server only once its
 * broadcast has come back over the bus, so a batch the next leader has not seen is still
 * unacknowledged on the server and is sent again: nothing is lost, nothing is taken twice.
 */
import { describe, expect, it, vi } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { createSharedClient, type BusChannel, type KuiperClient } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { fakeLocks } from './helpers/fake-locks.js';

/** A BroadcastChannel whose posts, while `lag.ms` > 0, leave that much later (in order). */
function laggingBus(lag: { ms: number }) {
  return class implements BusChannel {
    private readonly inner: BroadcastChannel;
    private waiting = 0;
    private closing = false;
    constructor(name: string) {
      this.inner = new BroadcastChannel(name);
    }
    get onmessage() {
      return this.inner.onmessage as BusChannel['onmessage'];
    }
    set onmessage(fn: BusChannel['onmessage']) {
      this.inner.onmessage = fn as BroadcastChannel['onmessage'];
    }
    postMessage(message: unknown): void {
      if (lag.ms <= 0 && this.waiting === 0) return this.inner.postMessage(message);
      this.waiting++;
      setTimeout(() => {
        this.inner.postMessage(message);
        if (--this.waiting === 0 && this.closing) this.inner.close();
      }, lag.ms);
    }
    close(): void {
      if (this.waiting > 0) this.closing = true;
      else this.inner.close();
    }
  };
}

describe('hand-over while the old leader\'s broadcasts lag', () => {
  it('[CLI-36] websocket: every other tab gets every message once, in order', async () => {
    const server = createKuiperServer({ path: '/bayeux', timeout: 5_000 });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
    onCleanup(() => server.close());
    const locks = fakeLocks();
    const shareName = `lag-${Math.random()}`;
    const lag = { ms: 0 };
    const clients: KuiperClient[] = [];
    for (let i = 0; i < 3; i++) {
      const client = createSharedClient(url, { transports: ['websocket'], locks, shareName, ...(i === 0 ? { BroadcastChannel: laggingBus(lag) } : {}) });
      clients.push(client);
      onCleanup(() => client.disconnect());
    }
    const got = clients.map(() => [] as number[]);
    await Promise.all(clients.map((c, i) => c.subscribe<number>('/stream', (n) => got[i]?.push(n)).ready));
    const total = 400;
    let leaderGone: Promise<void> | undefined;
    for (let n = 0; n < total; n++) {
      await server.publish('/stream', n);
      if (n === 100) lag.ms = 100; // the leader's broadcasts fall behind ...
      if (n === 140) leaderGone = clients[0]?.disconnect(); // ... and it goes while they are on their way
      await new Promise((r) => setTimeout(r, 2));
    }
    await leaderGone;
    const expected = [...Array(total).keys()];
    await vi.waitFor(() => expect(got[1]?.length).toBeGreaterThanOrEqual(total), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got.slice(1)).toEqual([expected, expected]);
  });
});
