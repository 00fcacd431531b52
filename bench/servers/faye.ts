// Faye 1.4 (NodeAdapter, in-memory engine) on loopback, as the reference Bayeux server.
// timeout 45 s is the configuration Faye's own documentation uses; the reference pruning
// figure (85 s ≈ 2 × timeout) was measured with it.
import http from 'node:http';
import faye from 'faye';
import { serveOverIpc } from './serve-over-ipc.ts';

const adapter = new faye.NodeAdapter({ mount: '/bayeux', timeout: 45 });
let sessions = 0;
adapter.on('handshake', () => {
  sessions++;
});
adapter.on('disconnect', () => {
  sessions--;
});
const server = http.createServer();
adapter.attach(server);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveOverIpc({
    url: `http://127.0.0.1:${port}/bayeux`,
    port,
    sessions: () => sessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
});
