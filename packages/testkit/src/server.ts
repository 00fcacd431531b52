/** Real Kuiper servers for tests: 127.0.0.1, port 0, closed after the test. */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { vi } from 'vitest';
import { createKuiperServer, type KuiperServer, type KuiperServerOptions } from '@kuiper/server';
import { type Cleanup, cleanup as testCleanup } from './cleanup.js';

export type { KuiperServer };
export type KuiperOptions = KuiperServerOptions;

/** vi.waitFor with a budget that suits real network round trips (the default is 1 s). */
export function eventually<T>(check: () => T | Promise<T>, timeout = 5000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 20 });
}

/** Long holds (a test ends them by publishing or closing), no interval, a 10 s pruning window. */
export const DEFAULT_OPTIONS: KuiperOptions = {
  path: '/bayeux',
  timeout: 30_000,
  interval: 0,
  maxInterval: 10_000,
};

export interface StartedKuiper {
  server: KuiperServer;
  port: number;
  /** http://127.0.0.1:PORT/bayeux */
  url: string;
  /** ws://127.0.0.1:PORT/bayeux */
  wsUrl: string;
  /** The node:http server `listen()` created. */
  http: HttpServer;
  /** Every TCP connection the server has open now (HTTP keep-alive and upgraded WebSockets). */
  sockets: ReadonlySet<Socket>;
  /** Destroys every open TCP connection (keep-alive and upgraded) from the server side: a network drop. Returns how many. */
  dropConnections(): number;
}

export interface StartOptions {
  /** A fixed port (a restart on the port a client already knows); 0 by default. */
  port?: number;
  /** Where the close is registered; the test file's cleanup by default. */
  cleanup?: Pick<Cleanup, 'add'>;
  /** Answers requests for paths that are not Kuiper's (true when it did), as `listen`'s own option. */
  otherRequests?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Starts a real server (DEFAULT_OPTIONS under `options`) and registers its close. */
export async function startKuiper(options: Partial<KuiperOptions> = {}, start: StartOptions = {}): Promise<StartedKuiper> {
  const server = createKuiperServer({ ...DEFAULT_OPTIONS, ...options });
  (start.cleanup ?? testCleanup).add(() => server.close());
  const { port, url, server: http } = await server.listen({ port: start.port ?? 0, host: '127.0.0.1', ...(start.otherRequests ? { otherRequests: start.otherRequests } : {}) });
  const sockets = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const dropConnections = (): number => {
    const dropped = sockets.size;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    return dropped;
  };
  return { server, port, url, wsUrl: url.replace(/^http/, 'ws'), http, sockets, dropConnections };
}
