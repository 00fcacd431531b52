// The y-websocket server (@y/websocket-server 0.1.1, the last release on Yjs 13: 0.1.5 moved to
// the Yjs 14 pre-release) as a collaboration anchor: its setupWSConnection on a plain node:http +
// ws server on loopback. YPERSISTENCE is unset, so documents live in memory only.
import http from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { listenOverIpc } from './serve-over-ipc.ts';

delete process.env.YPERSISTENCE;
const server = http.createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  setupWSConnection(ws, req);
});
listenOverIpc(
  server,
  () => wss.clients.size,
  () => {
    for (const ws of wss.clients) ws.terminate();
  },
);
