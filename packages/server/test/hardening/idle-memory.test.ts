// What an idle WebSocket session costs the server (LIMIT-10, issue 15): the server runs in a child
// process and its JS heap is read after full collections, before and after hundreds of sessions
// that handshake, subscribe and keep a connect held — the state of a client idling for hours.
import { describe, it, expect } from 'vitest';
import { cleanup, msgId, RawSocket } from '@kuiper/testkit';
import { forkChild, heapChild } from '../helpers/heap-child.js';

interface Heap {
  heapUsed: number;
  clients: number;
}

/** Opens `count` idle sessions (handshake, one subscription, a held connect), `BATCH` at a time. */
async function openIdle(wsUrl: string, count: number, channel: (i: number) => string): Promise<void> {
  const BATCH = 50;
  for (let start = 0; start < count; start += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, count - start) }, async (_, k) => {
        const socket = await RawSocket.open(cleanup, wsUrl);
        const hs = await socket.request({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['websocket'], id: msgId() });
        const clientId = hs.clientId as string;
        const sub = await socket.request({ channel: '/meta/subscribe', clientId, subscription: channel(start + k), id: msgId() });
        expect(sub.successful).toBe(true);
        await socket.request({ channel: '/meta/connect', clientId, connectionType: 'websocket', advice: { timeout: 0 }, id: msgId() });
        // The connect that stays held: no reply until the hold time (60 s) passes.
        socket.send([{ channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() }]);
      }),
    );
  }
}

describe('[LIMIT-10] idle WebSocket sessions', () => {
  it('[LIMIT-10] an idle WebSocket session keeps under 4.5 KiB of the server\'s JS heap', async () => {
    const server = await heapChild<Heap>(new URL('./heap-child-server.ts', import.meta.url));
    // Warm-up: what the server compiles for its first sessions is not a cost of each session (300:
    // after 100 the same code measured 4.4 to 5.1 KiB from run to run, after 300 4.5 every time).
    await openIdle(server.wsUrl, 300, (i) => `/idle/${i % 20}`);
    const before = await server.heap();
    const SESSIONS = 600;
    await openIdle(server.wsUrl, SESSIONS, (i) => `/idle/${i % 20}`);
    const after = await server.heap();
    expect(after.clients).toBe(before.clients + SESSIONS);
    const perSession = (after.heapUsed - before.heapUsed) / SESSIONS;
    console.log(`[idle sessions] ${SESSIONS} idle WebSocket sessions: ${(perSession / 1024).toFixed(2)} KiB of server heap each (bound 4.5 KiB)`);
    // From the TypeScript source (tsx): 4.33 KiB; 4.55 before the socket's listeners were shared
    // functions and the memory engine's sets small (2026-12-02). The bench's compiled build: 3.7 (4.0 before).
    // The same code measures 4.2-4.4 on a quiet machine and 4.53 once in a CI run under load, hence
    // 4.8: a bound that catches a regression of a tenth, not the noise of a busy machine. Since the
    // flow keeps no unwatch closure (ENG-5): 3.86, 3.87, 3.90 with two cores kept busy (2026-12-02
    // 17:20), hence 4.5 (the same headroom over the busy-machine figure as before).
    expect(perSession).toBeLessThan(4.5 * 1024);
  }, 60_000);
});

describe('[LIMIT-10] idle rooms in the memory engine', () => {
  it('[LIMIT-10] the engine keeps under 1.5 KiB of JS heap per idle room of two members', async () => {
    const { perRoom, stats } = await forkChild(new URL('./room-heap-child.ts', import.meta.url)).next<{ perRoom: number; stats: { clients: number; subscriptions: number } }>();
    // 5,200 rooms of two sessions, each subscribed to three of the room's channels.
    expect(stats).toMatchObject({ clients: 10_400, subscriptions: 31_200 });
    console.log(`[idle rooms] memory engine: ${(perRoom / 1024).toFixed(2)} KiB of heap per idle room (bound 1.5 KiB)`);
    // Measured 1.42 KiB (2026-12-02 23:10) once a parent-only channel shares one frozen state; 1.47
    // while it had its own; 1.6 while the relay channel's one listener had a Set of its
    // own, 2.4 while every channel made its subscriber Set up front and every set of two or three
    // was a Set (the parent's and the relay channel's empty). 2026-12-04: measured after a sweep, as
    // a server's rooms are, and over 5,000 rooms, not 2,000: the table's own growth, a fixed cost
    // spread over the rooms, moved the figure 1.34-1.51 between runs of one build (1.39-1.46 before
    // the sweep's candidates and child counts, SWEEP-1); 1.30-1.35 now, and 1.33-1.34 before them.
    expect(perRoom).toBeLessThan(1.5 * 1024);
  }, 60_000);
});
