// Faye 1.4 (NodeAdapter, in-memory engine) on loopback, as the reference Bayeux server.
// timeout 45 s is the configuration Faye's own documentation uses; the reference pruning
// figure (85 s ≈ 2 × timeout) was measured with it.
import http from 'node:http';
import faye from 'faye';
import { listenOverIpc } from './serve-over-ipc.ts';

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
listenOverIpc(server, () => sessions, () => server.closeAllConnections());
