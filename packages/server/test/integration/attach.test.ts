// Kuiper attached to an application's own node:http server, next to the app's routes and its own
// WebSocket endpoint, used by real clients.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createKuiperServer } from '../../src/index.js';
import {
  cleanup,
  eventually,
  bayeux,
  connectMessage,
  replyTo,
  DEFAULT_OPTIONS,
  type WireMessage,
  onCleanup,
} from '@kuiper/testkit';
import { connectedCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye } from '../helpers/faye.js';

interface App {
  server: Server;
  port: number;
  kuiper: ReturnType<typeof createKuiperServer>;
  url: string;
}

/** An app with a catch-all 404 and its own WebSocket echo on /echo, with Kuiper attached. */
async function startApp(): Promise<App> {
  const server = createServer((req, res) => {
    if (req.url === '/hello') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    else res.writeHead(404).end('app 404');
  });
  const echo = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/echo') return void socket.destroy();
    echo.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`echo:${data.toString()}`)));
  });
  const kuiper = createKuiperServer(DEFAULT_OPTIONS).attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of echo.clients) ws.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  onCleanup(() => kuiper.close());
  const port = (server.address() as AddressInfo).port;
  return { server, port, kuiper, url: `http://127.0.0.1:${port}/bayeux` };
}

async function echoOnce(port: number): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
  onCleanup(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
  ws.send('ping');
  return reply;
}

describe.each<CometdTransport>(['long-polling', 'websocket'])('attached to an app server, %s', (transport) => {
  it('serves cometd and faye while the app keeps its routes and its own WebSocket', async () => {
    const app = await startApp();
    const cometd = await connectedCometD(cleanup, app.url, transport);
    const faye = createFaye(cleanup, app.url, transport);
    const atCometd: unknown[] = [];
    const atFaye: unknown[] = [];
    await cometd.subscribe('/chat/app', (m) => atCometd.push(m.data));
    await faye.subscribe('/chat/app', (data) => atFaye.push(data));

    await faye.publish('/chat/app', { n: 1 });
    await eventually(() => expect(atCometd).toEqual([{ n: 1 }]));
    await eventually(() => expect(atFaye).toEqual([{ n: 1 }]));
    expect(cometd.cometd.getTransport()?.type).toBe(transport);

    const hello = await fetch(`http://127.0.0.1:${app.port}/hello`);
    expect(await hello.text()).toBe('hello');
    expect((await fetch(`http://127.0.0.1:${app.port}/nope`)).status).toBe(404);
    expect(await echoOnce(app.port)).toBe('echo:ping');
  });
});

describe('attach and close', () => {
  it('close() answers held connects and hands the app server back intact', async () => {
    const app = await startApp();
    const hs = { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' };
    const clientId = replyTo(await bayeux(app.url, [hs]), '1').clientId!;
    await bayeux(app.url, [{ ...connectMessage(clientId), advice: { timeout: 0 } }]);
    const heldMsg = connectMessage(clientId);
    let settled: WireMessage[] | Error | undefined;
    bayeux(app.url, [heldMsg]).then(
      (replies) => (settled = replies),
      (err: Error) => (settled = err),
    );
    await bayeux(app.url, [{ ...hs, id: '2' }]); // the held connect has reached Kuiper by now

    await app.kuiper.close();
    await eventually(() => expect(settled).toBeDefined());
    // Answered by Kuiper (not dropped, not the app's 404).
    expect(settled).toBeInstanceOf(Array);
    expect(replyTo(settled as WireMessage[], heldMsg.id).channel).toBe('/meta/connect');
    expect(app.server.listening).toBe(true);
    expect(await (await fetch(`http://127.0.0.1:${app.port}/hello`)).text()).toBe('hello');
    // The mount is the app's again: its catch-all answers.
    expect((await fetch(app.url, { method: 'POST', body: '[]' })).status).toBe(404);
    expect(await echoOnce(app.port)).toBe('echo:ping');
  });
});
