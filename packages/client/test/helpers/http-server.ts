/** A node:http server on 127.0.0.1 that tracks its sockets, so close() ends held requests at once. */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface TrackedServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenTracked(server: Server = createServer(), port = 0): Promise<TrackedServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    server,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
