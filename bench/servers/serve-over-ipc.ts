// Shared by every server script: answers the harness's stats requests over IPC so that CPU and
// RSS are measured inside the server process itself (a saturated load generator cannot hide a slow
// server), and closes the server when asked or when the harness goes away.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { FromServer, ServerStats, ToServer } from '../ipc-messages.ts';

export interface ServedServer {
  url: string;
  port: number;
  sessions(): number;
  close(): Promise<void>;
}

/** The soft open-files limit of this process, so the harness can warn before 5,000 sockets fail. */
export function fdLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

export function serveOverIpc(server: ServedServer): void {
  const send = (msg: FromServer): void => {
    process.send?.(msg);
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  const snapshot = (forceGc: boolean): ServerStats => {
    // A forced GC (only when asked: idle-memory sampling) makes RSS comparable between servers
    // whose heaps happen to be at different points of their GC cycle.
    if (forceGc && gc) {
      gc();
      gc();
    }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return { cpuMicros: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, sessions: server.sessions() };
  };
  process.on('message', (raw: unknown) => {
    const msg = raw as ToServer;
    if (msg.type === 'stats') send({ type: 'stats', reqId: msg.reqId, stats: snapshot(msg.gc === true) });
    else if (msg.type === 'close') void server.close().finally(() => process.exit(0));
  });
  // The harness died or closed the channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'listening', url: server.url, port: server.port, fdLimit: fdLimit() });
}

/**
 * For servers built on a plain node:http server (Faye, raw ws): listen on 127.0.0.1 port 0 with
 * Bayeux at /bayeux, serve the harness, and on close run `beforeClose` then close the server.
 */
export function listenOverIpc(server: Server, sessions: () => number, beforeClose: () => void): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    serveOverIpc({
      url: `http://127.0.0.1:${port}/bayeux`,
      port,
      sessions,
      close: () =>
        new Promise<void>((resolve) => {
          beforeClose();
          server.close(() => resolve());
        }),
    });
  });
}
