// SWEEP-3: after a wave of idle WebSocket sessions, a server with reclaimMemory gives back the old
// space the wave left committed but free. The server runs in a child process (its heap is not the
// test's) and is read without collecting first: what the reclaimer left is what a user's RSS holds.
import { describe, expect, it } from 'vitest';
import { cleanup, eventually, msgId, RawSocket } from '@kuiper/testkit';
import { heapChild } from './helpers/heap-child.js';

interface Heap {
  clientsAtCollection: number;
  clients: number;
  oldCommitted: number;
  oldUsed: number;
}

/** `count` sessions that handshake, subscribe and keep a connect held, 50 at a time. */
async function connectWave(wsUrl: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        const socket = await RawSocket.open(cleanup, wsUrl);
        const { clientId } = await socket.request({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['websocket'], id: msgId() });
        await socket.request({ channel: '/meta/subscribe', clientId, subscription: `/wave/${(start + k) % 50}`, id: msgId() });
        socket.send([{ channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() }]);
      }),
    );
  }
}

const MiB = 1024 * 1024;
const SESSIONS = 2000;

describe('[SWEEP-3] a server after a wave of 2,000 idle WebSocket sessions', () => {
  it('[SWEEP-3] gives back the old space the wave left committed but free', async () => {
    const server = await heapChild<Heap>(new URL('./reclaim-child-server.ts', import.meta.url), ['on']);
    await connectWave(server.wsUrl, SESSIONS);
    // A collection made with the whole wave in: the wave's own, or if a pause in a loaded
    // machine's connects made one mid-wave, that one's follow-up 3 s later.
    await eventually(async () => expect((await server.heap()).clientsAtCollection).toBe(SESSIONS), 20_000);
    const heap = await server.heap();
    expect(heap.clients).toBe(SESSIONS);
    const free = heap.oldCommitted - heap.oldUsed;
    console.log(`[SWEEP-3] ${SESSIONS} sessions: old space ${(heap.oldCommitted / MiB).toFixed(1)} MiB committed, ${(free / MiB).toFixed(2)} MiB of it free (bound 1.6)`);
    // Measured (2026-12-02): 0.92 MiB free of 15.0 committed; with reclaimMemory off and two plain
    // full collections instead, 2.7-3.5 MiB free of 16.7-17.5 (1.4-1.8 KiB per session). 1.6 MiB
    // leaves room both ways.
    expect(free).toBeLessThan(1.6 * MiB);
  }, 60_000);
});
