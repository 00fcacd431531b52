// The floor a Bayeux server is measured against: a plain `ws` server that understands just enough
// of the Bayeux JSON to be driven by the same load generator (handshake, subscribe, publish) and
// sends each broadcast as one frame per subscriber, serialised once per message. It keeps no
// sessions beyond the socket, holds /meta/connect forever, and has no long-polling.
import http from 'node:http';
import type { Message } from '@kuiper/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenOverIpc } from './serve-over-ipc.ts';

/** A message as a client sent it: nothing checked it, so even `channel` may be missing. */
type Msg = Partial<Message>;

const channels = new Map<string, Set<WebSocket>>();
let nextId = 0;

function subscribe(ws: WebSocket, channel: string, mine: string[]): void {
  let set = channels.get(channel);
  if (!set) channels.set(channel, (set = new Set()));
  set.add(ws);
  mine.push(channel);
}

function handle(ws: WebSocket, m: Msg, mine: string[], replies: object[]): void {
  const channel = m.channel ?? '';
  if (channel === '/meta/handshake') {
    replies.push({ channel, id: m.id, successful: true, version: '1.0', clientId: `raw${++nextId}`, supportedConnectionTypes: ['websocket'], advice: { reconnect: 'retry', interval: 0, timeout: 30000 } });
  } else if (channel === '/meta/subscribe') {
    for (const c of Array.isArray(m.subscription) ? m.subscription : [m.subscription ?? '']) subscribe(ws, c, mine);
    replies.push({ channel, id: m.id, successful: true, subscription: m.subscription });
  } else if (channel === '/meta/connect') {
    // Answer only the first (timeout:0) connect; later ones are held until the socket closes.
    if (m.advice?.timeout === 0) replies.push({ channel, id: m.id, successful: true, advice: { reconnect: 'retry', interval: 0, timeout: 30000 } });
  } else if (!channel.startsWith('/meta/') && m.data !== undefined) {
    // Serialised and UTF-8 encoded once; every subscriber's frame shares the same bytes.
    const frame = Buffer.from(JSON.stringify([{ channel, data: m.data }]));
    for (const sub of channels.get(channel) ?? []) sub.send(frame, { binary: false });
    replies.push({ channel, id: m.id, successful: true });
  }
}

const server = http.createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/bayeux', perMessageDeflate: false });
wss.on('connection', (ws) => {
  const mine: string[] = [];
  ws.on('message', (raw) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(raw));
    } catch {
      return;
    }
    const replies: object[] = [];
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) handle(ws, m as Msg, mine, replies);
    if (replies.length > 0) ws.send(JSON.stringify(replies));
  });
  ws.on('close', () => {
    for (const c of mine) channels.get(c)?.delete(ws);
  });
});
listenOverIpc(
  server,
  () => wss.clients.size,
  () => {
    for (const ws of wss.clients) ws.terminate();
  },
);
