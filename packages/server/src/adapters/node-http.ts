/**
 * The node:http host adapter (SPEC: API-*): maps a node:http request to the host-independent
 * `KuiperRequest` (`node-request.ts`) and writes the reply the shared router gives back; routes
 * upgrades to the WebSocket transport; attaches to an application's server, or starts a server
 * of its own. It knows nothing of Bayeux: that happens below, in the transports and the core.
 */
import { type IncomingMessage, type Server as HttpServer, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createLogger } from '../core/log.js';
import { BASE_URL } from '../transports/http.js';
import type { WsTransport } from '../transports/websocket.js';
import { ownsPath } from './mount.js';
import { NodeRequest, writeReply } from './node-request.js';
import { type HttpHost, claim, serve } from './router.js';

const log = createLogger('server');

/** What the adapter needs from the server it hosts. */
export interface NodeHttpHost extends HttpHost {
  readonly ws: WsTransport;
  readonly websocketEnabled: boolean;
  ready(): Promise<void>;
}

const parseTarget = (target: string): URL => new URL(target, BASE_URL);

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Asked about requests that are not Kuiper's before they get a 404: true when it answers them. */
  otherRequests?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** [SERVE-7] The app's handler for what is not Kuiper's; one that throws answers 500, never a crash. */
function otherRequest(options: ListenOptions, req: IncomingMessage, res: ServerResponse): boolean {
  try {
    return options.otherRequests?.(req, res) === true;
  } catch (err) {
    log.error('otherRequests threw', err);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('server error');
    return true;
  }
}

export class NodeHttpAdapter {
  private readonly attached = new Map<HttpServer, () => void>();
  private own: HttpServer | undefined;

  constructor(readonly host: NodeHttpHost) {}

  /**
   * Serves Kuiper's paths on an existing server. The server's own request handlers keep running
   * for every other path (they are moved behind Kuiper's, as Faye and Socket.IO do), so an app's
   * catch-all 404 can never answer a Bayeux request first.
   */
  attach(server: HttpServer): void {
    const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    const otherUpgrades = server.listeners('upgrade') as ((req: IncomingMessage, s: Duplex, h: Buffer) => void)[];
    server.removeAllListeners('request');
    server.removeAllListeners('upgrade');
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      if (this.handleRequest(req, res)) return;
      for (const listener of others) listener.call(server, req, res);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (this.handleUpgrade(req, socket, head)) return;
      if (otherUpgrades.length === 0) socket.destroy();
      for (const listener of otherUpgrades) listener.call(server, req, socket, head);
    };
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    this.attached.set(server, () => {
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
      for (const listener of others) server.on('request', listener);
      for (const listener of otherUpgrades) server.on('upgrade', listener);
    });
  }

  /**
   * Handles the request if it is Kuiper's and returns true; returns false (touching nothing) if
   * not — for frameworks that route requests themselves.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method ?? 'GET';
    // A poll POSTs to the bare mount path: the busiest request there is needs no URL parsing
    // (2% of a long-poll's CPU). Anything else (a query, dot segments, escapes) is parsed.
    const url = claim(this.host, method, req.url ?? '/', parseTarget);
    if (url === undefined) return false;
    const request = new NodeRequest(req, res, method, url ?? undefined);
    serve(this.host, request)
      .then((reply) => writeReply(request, res, reply))
      .catch((err: unknown) => {
        log.error('writing a reply failed', err);
        if (!res.writableEnded) res.destroy();
      });
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', BASE_URL);
    if (!ownsPath(this.host.path, url.pathname)) return false;
    if (!this.host.websocketEnabled) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.host.ws.upgrade(req, socket, head);
    return true;
  }

  /** Starts a node:http server of its own; resolves with the port and the Bayeux URL. */
  async listen(options: ListenOptions = {}): Promise<{ port: number; url: string; server: HttpServer }> {
    const server = createServer((req, res) => {
      if (res.headersSent || res.writableEnded || this.handleRequest(req, res) || otherRequest(options, req, res)) return;
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.handleUpgrade(req, socket, head)) socket.destroy();
    });
    this.own = server;
    // A shared engine first connects and listens for other nodes, so no early wake-up is missed.
    await this.host.ready();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { port, url: `http://${shownHost}:${port}${this.host.path}`, server };
  }

  /** Gives attached servers their own handlers back and closes the server `listen` started. */
  async close(): Promise<void> {
    for (const detach of this.attached.values()) detach();
    this.attached.clear();
    const own = this.own;
    if (!own) return;
    await new Promise<void>((resolve) => {
      own.close(() => resolve());
      own.closeAllConnections();
    });
  }
}
