/**
 * A real client and a real server in one process, joined by a LoopbackNetwork and driven by fake
 * time: held connects are held for the server's `timeout` (never 0) and end only when the test
 * moves time or messages arrive. Everything is deterministic given the test's own choices.
 */
import { vi } from 'vitest';
import { createClient, type ClientOptions, type KuiperClient } from '@kuiper/client';
import { createKuiperServer, type KuiperServer } from '@kuiper/server';
import type { KuiperOptions } from '../server.js';
import { LoopbackNetwork } from './network.js';

/** setImmediate stays real: `LoopbackNetwork.idle()` needs real turns to let work finish. */
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const;

export const LOOPBACK_URL = 'http://loopback.test/bayeux';

export interface Loopback {
  readonly server: KuiperServer;
  readonly network: LoopbackNetwork;
  /** A client whose long-polling goes over the loopback network. */
  client(options?: ClientOptions): KuiperClient;
  /** Moves fake time, then lets what it set off finish. */
  tick(ms: number): Promise<void>;
  /** Disconnects every client (answering their goodbyes), closes the server, restores real time. */
  close(): Promise<void>;
}

export function startLoopback(options: Partial<KuiperOptions> = {}): Loopback {
  vi.useFakeTimers({ toFake: [...FAKED] });
  const server = createKuiperServer({
    path: '/bayeux',
    timeout: 10_000,
    interval: 0,
    // No pruning during a run: fake hours pass while connections are cut, and a pruned session
    // would lose messages for a reason the run did not choose.
    maxInterval: 24 * 3_600_000,
    ...options,
  });
  const network = new LoopbackNetwork(server);
  const clients: KuiperClient[] = [];
  const tick = async (ms: number): Promise<void> => {
    await vi.advanceTimersByTimeAsync(ms);
    await network.idle();
  };
  return {
    server,
    network,
    tick,
    client(clientOptions = {}) {
      const client = createClient(LOOPBACK_URL, {
        transports: ['long-polling'],
        fetch: network.fetch,
        backoff: { base: 50, max: 1_000, random: () => 0.5 },
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    async close() {
      try {
        const goodbyes = clients.map((c) => c.disconnect());
        for (let i = 0; i < 10; i++) {
          await network.flush();
          await tick(500);
        }
        await Promise.all(goodbyes);
        await server.close();
      } finally {
        vi.useRealTimers();
      }
    },
  };
}
