// Hocuspocus 3 (the newest 3.x; 4 declares Node 22) as a collaboration anchor: its Hocuspocus
// core on a plain node:http + ws server on loopback, no extensions (so no persistence, like the
// MemoryStore Kuiper runs with here), every other setting at its default.
import http from 'node:http';
import { Hocuspocus } from '@hocuspocus/server';
import { WebSocketServer } from 'ws';
import { listenOverIpc } from './serve-over-ipc.ts';

const hocuspocus = new Hocuspocus({ quiet: true });
const server = http.createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  hocuspocus.handleConnection(ws, req);
});
listenOverIpc(
  server,
  () => wss.clients.size,
  () => {
    for (const ws of wss.clients) ws.terminate();
  },
);
