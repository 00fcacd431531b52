/**
 * The embedding API (SPEC: API-*): `createKuiperServer(options)` wires codec, core, engine and
 * transports together, attaches to a node:http server (its own or the application's), and exposes
 * server-side publish/subscribe, `/service` handlers, events and stats.
 */
import { type IncomingMessage, type Server as HttpServer, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { channelKind, isValidChannelName, isWild } from './core/channel.js';
import { Connector, DEFAULT_POLL_PACING_MS } from './core/connector.js';
import { HeapReclaimer } from './adapters/heap-reclaimer.js';
import { BayeuxCore, DEFAULT_LIMITS, type ServiceHandler } from './core/core.js';
import { ackExtension } from './extensions/ack.js';
import type { ChannelListener, Engine, EngineEvent, EngineEventType, EngineStats, OverflowPolicy } from './core/engine.js';
import { bayeuxError } from './core/errors.js';
import { type Extension, ExtensionPipeline } from './core/extension.js';
import { type OriginCheck, originAllowed } from './transports/origin.js';
import { type RateLimit, rateLimitExtension } from './extensions/rate-limit.js';
import { type Authorizer, Authorizers, type SecurityPolicy } from './core/security.js';
import { timesyncExtension } from './extensions/timesync.js';
import { BASE_URL, HttpTransport, applyCors, sendError } from './transports/http.js';
import { createLogger } from './core/log.js';
import { MemoryEngine } from './engines/memory.js';
import type { Message } from './core/message.js';
import { WsTransport } from './transports/websocket.js';
import { DEFAULT_STREAM_KEEP_ALIVE_MS, StreamTransport } from './transports/stream.js';

const log = createLogger('server');

export const ALL_CONNECTION_TYPES = [
  'websocket',
  'long-polling',
  'callback-polling',
  'eventsource',
  'forever-frame',
  'multipart-mime',
] as const;
export type ConnectionType = (typeof ALL_CONNECTION_TYPES)[number];

export interface KuiperServerOptions {
  /** Mount path; the sub-paths `/handshake`, `/connect`, `/disconnect` are served too. */
  path?: string;
  /** Held-connect time, ms. Default 30000 (CometD's). */
  timeout?: number;
  /** Advised pause between connects, ms. Default 0. */
  interval?: number;
  /** A session without a connect for this long after its last connect reply is pruned. Default 10000. */
  maxInterval?: number;
  /** How often pruning and channel sweeping run, ms. Default 1000. */
  sweepIntervalMs?: number;
  /** Largest HTTP body or WebSocket frame accepted, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Enabled connection types, in the order handshake replies list them. Default: all. */
  transports?: readonly ConnectionType[];
  /** Shared state; defaults to a new in-memory engine. */
  engine?: Engine;
  /** Serve `GET /_kuiper/stats` as JSON. Default false. */
  stats?: boolean;
  /**
   * After a wave of at least 1,000 departed sessions (and more than remain), run full garbage
   * collections (right away, then 3, 6 and 12 s later) so RSS goes back down instead of staying at
   * its peak (SWEEP-2). Default true.
   */
  reclaimMemory?: boolean;
  /** Interval between keep-alives on eventsource, forever-frame and multipart-mime streams, ms. Default 15000. */
  streamKeepAliveMs?: number;
  /**
   * After the first message for a held long-poll (or ack) connect, wait this long before answering so
   * messages arriving meanwhile share the response. Default 10 ms; 0 answers at once.
   */
  batchDelayMs?: number;
  /**
   * A held long-poll (or ack) connect that deliveries woke is answered no sooner than this long
   * after it arrived, so one polling client costs at most 1000 / pollPacingMs requests a second
   * however busy its channels are. Default 100 ms; 0 turns pacing off.
   */
  pollPacingMs?: number;
  /** Extensions, in addition to the built-in ack, timesync and rate-limit ones. */
  extensions?: readonly Extension[];
  /** Who may handshake, create, subscribe and publish (see Security in the README). */
  policy?: SecurityPolicy;
  /** Limits, each with a safe default (see Limits in the README). */
  limits?: Partial<KuiperLimits>;
  /**
   * Origins allowed to open WebSockets and to make cross-origin HTTP requests: a list of exact
   * origins (`https://app.example`), `'*'`, or a function. Default: same-origin and non-browser
   * clients only for WebSocket; no CORS headers for HTTP.
   */
  allowedOrigins?: OriginCheck;
  /** cometd-compatible ack extension (reliable ordered delivery). Default true. */
  ack?: boolean;
  /** cometd-compatible timesync extension. Default true. */
  timesync?: boolean;
}

export interface KuiperLimits {
  /** Largest HTTP body or WebSocket frame, bytes. Default 1 MiB (also `maxBodyBytes`). */
  maxBodyBytes: number;
  /** Largest published message, serialised, bytes. Default 256 KiB. */
  maxMessageBytes: number;
  /** Subscriptions per session. Default 1000. */
  maxSubscriptions: number;
  /** Sessions one WebSocket connection may carry. Default 4. */
  maxSessionsPerConnection: number;
  /** Publishes per second per session (token bucket); `false` turns the limit off. Default 1000/s, burst 2000. */
  publishRate: RateLimit | false;
  /** Messages queued for one session before `overflow` applies. Default 10000. */
  maxQueue: number;
  /** Bytes queued for one session before `overflow` applies. Default 16 MiB. */
  maxQueueBytes: number;
  /** What to do with a slow consumer past its bound. Default 'drop-oldest'. */
  overflow: OverflowPolicy;
  /** Unsent bytes a WebSocket may hold before deliveries wait in the session's queue. Default 4 MiB. */
  wsHighWaterBytes: number;
}

export const DEFAULT_SERVER_LIMITS: KuiperLimits = {
  maxBodyBytes: 1024 * 1024,
  // The core's own defaults, so the two can never disagree.
  maxMessageBytes: DEFAULT_LIMITS.maxMessageBytes,
  maxSubscriptions: DEFAULT_LIMITS.maxSubscriptions,
  maxSessionsPerConnection: 4,
  publishRate: { perSecond: 1000, burst: 2000 },
  maxQueue: 10_000,
  maxQueueBytes: 16 * 1024 * 1024,
  overflow: 'drop-oldest',
  wsHighWaterBytes: 4 * 1024 * 1024,
};

export type KuiperEventMap = { [K in EngineEventType]: Extract<EngineEvent, { type: K }> };
type Listener<K extends EngineEventType> = (event: KuiperEventMap[K]) => void;

export interface ListenOptions {
  port?: number;
  host?: string;
}

export class KuiperServer {
  readonly path: string;
  readonly engine: Engine;
  private readonly connector: Connector;
  private readonly http: HttpTransport;
  private readonly ws: WsTransport;
  private readonly streams: StreamTransport;
  private readonly services = new Map<string, ServiceHandler>();
  private readonly extensions = new ExtensionPipeline();
  private readonly authorizers = new Authorizers();
  readonly limits: KuiperLimits;
  private readonly listeners = new Map<EngineEventType, Set<(event: EngineEvent) => void>>();
  private readonly attached = new Map<HttpServer, () => void>();
  private readonly transports: readonly ConnectionType[];
  private readonly serveStats: boolean;
  private readonly corsAllowed: (origin: string) => boolean;
  private readonly corsAny: boolean;
  private own: HttpServer | undefined;
  private closed = false;
  private readonly reclaimer: HeapReclaimer | undefined;
  private readonly reclaimTimer: NodeJS.Timeout | undefined;

  constructor(options: KuiperServerOptions = {}) {
    this.path = normalisePath(options.path ?? '/bayeux');
    const timeout = options.timeout ?? 30_000;
    const interval = options.interval ?? 0;
    const maxInterval = options.maxInterval ?? 10_000;
    const limits: KuiperLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
    if (options.maxBodyBytes !== undefined) limits.maxBodyBytes = options.maxBodyBytes;
    this.limits = limits;
    const maxBodyBytes = limits.maxBodyBytes;
    this.transports = options.transports ?? ALL_CONNECTION_TYPES;
    this.serveStats = options.stats ?? false;
    this.engine = options.engine ?? new MemoryEngine();
    this.engine.start({
      maxInterval,
      interval,
      sweepIntervalMs: options.sweepIntervalMs ?? 1000,
      maxQueue: limits.maxQueue,
      maxQueueBytes: limits.maxQueueBytes,
      overflow: limits.overflow,
      onEvent: (event) => this.emit(event),
    });
    if (options.reclaimMemory ?? true) {
      const reclaimer = new HeapReclaimer({ liveSessions: () => this.engine.stats().clients });
      this.reclaimer = reclaimer;
      this.reclaimTimer = setInterval(() => reclaimer.check(Date.now()), options.sweepIntervalMs ?? 1000);
      this.reclaimTimer.unref();
    }
    const core = new BayeuxCore(this.engine, {
      timeout,
      interval,
      maxInterval,
      connectionTypes: () => [...this.transports],
      services: this.services,
      extensions: this.extensions,
      authorizers: this.authorizers,
      limits: { maxSubscriptions: limits.maxSubscriptions, maxMessageBytes: limits.maxMessageBytes },
      ...(options.policy ? { policy: options.policy } : {}),
    });
    if (limits.publishRate) this.extensions.add(rateLimitExtension(limits.publishRate));
    if (options.ack ?? true) this.extensions.add(ackExtension());
    if (options.timesync ?? true) this.extensions.add(timesyncExtension());
    for (const extension of options.extensions ?? []) this.extensions.add(extension);
    const allowedOrigins = options.allowedOrigins;
    this.corsAny = allowedOrigins === '*';
    this.corsAllowed = (origin) => allowedOrigins !== undefined && originAllowed(allowedOrigins, origin, undefined);
    this.connector = new Connector(core, this.engine, {
      batchDelayMs: options.batchDelayMs ?? 10,
      pollPacingMs: options.pollPacingMs ?? DEFAULT_POLL_PACING_MS,
    });
    this.http = new HttpTransport(this.connector, {
      maxBodyBytes,
      acceptsPost: () => this.transports.some((t) => t !== 'websocket' && t !== 'callback-polling'),
      enabled: (type) => (this.transports as readonly string[]).includes(type),
    });
    this.ws = new WsTransport(this.connector, {
      maxMessageBytes: maxBodyBytes,
      maxSessionsPerConnection: limits.maxSessionsPerConnection,
      highWaterBytes: limits.wsHighWaterBytes,
      idleMs: timeout + maxInterval + 10_000,
      origin: (origin, host) => originAllowed(allowedOrigins, origin, host),
    });
    this.streams = new StreamTransport(this.connector, {
      maxBodyBytes,
      keepAliveMs: options.streamKeepAliveMs ?? DEFAULT_STREAM_KEEP_ALIVE_MS,
      enabled: (type) => (this.transports as readonly string[]).includes(type),
    });
  }

  /**
   * Serves Kuiper's paths on an existing server. The server's own request handlers keep running
   * for every other path (they are moved behind Kuiper's, as Faye and Socket.IO do), so an app's
   * catch-all 404 can never answer a Bayeux request first.
   */
  attach(server: HttpServer): this {
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
    return this;
  }

  /**
   * Handles the request if it is Kuiper's and returns true; returns false (touching nothing) if
   * not — for frameworks that route requests themselves.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const raw = req.url ?? '/';
    // A poll POSTs to the bare mount path: the busiest request there is needs no URL parsing
    // (2% of a long-poll's CPU). Anything else (a query, dot segments, escapes) is parsed.
    const url = req.method === 'POST' && this.owns(raw) ? undefined : new URL(raw, BASE_URL);
    if (url) {
      if (this.serveStats && url.pathname === '/_kuiper/stats' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
        res.end(JSON.stringify(this.stats()));
        return true;
      }
      if (!this.owns(url.pathname)) return false;
    }
    if (applyCors(req, res, this.corsAllowed, this.corsAny)) return true;
    // [STREAM-2] GETs naming a streaming transport open a stream; every other request is HTTP-*.
    const handled = url && StreamTransport.wants(req, url) ? this.streams.handle(req, res, url) : this.http.handle(req, res, url);
    this.serve(handled, res);
    return true;
  }

  private serve(handled: Promise<void>, res: ServerResponse): void {
    handled.catch((err: unknown) => {
      // A client that hangs up mid-body is ordinary life on the internet, not a server error.
      const code = (err as { code?: string }).code;
      if (code === 'ECONNRESET' || (err as Error).message === 'aborted') log.debug('client went away', err);
      else log.error('request failed', err);
      if (!res.writableEnded) sendError(res, 500, bayeuxError('server_error'));
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', BASE_URL);
    if (!this.owns(url.pathname)) return false;
    if (!this.transports.includes('websocket')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.ws.upgrade(req, socket, head);
    return true;
  }

  /** The mount path and the sub-paths the cometd client posts to. */
  private owns(pathname: string): boolean {
    // Mounted at `/`, the sub-paths are `/handshake` etc., not `//handshake`.
    const base = this.path === '/' ? '' : this.path;
    if (pathname === this.path || pathname === `${base}/`) return true;
    if (!pathname.startsWith(`${base}/`)) return false;
    const rest = pathname.slice(base.length + 1);
    return rest === 'handshake' || rest === 'connect' || rest === 'disconnect';
  }

  /** Starts a node:http server of its own; resolves with the port and the Bayeux URL. */
  async listen(options: ListenOptions = {}): Promise<{ port: number; url: string; server: HttpServer }> {
    const server = createServer((req, res) => {
      if (!res.headersSent && !res.writableEnded && !this.handleRequest(req, res)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      }
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.handleUpgrade(req, socket, head)) socket.destroy();
    });
    this.own = server;
    // A shared engine first connects and listens for other nodes, so no early wake-up is missed.
    await this.ready();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { port, url: `http://${shownHost}:${port}${this.path}`, server };
  }

  /**
   * Resolves when the engine can serve and this node's earlier registrations (server-side
   * `subscribe`, `setPersistent`) are visible to every node. `listen()` awaits it; call it after
   * `attach()` or before relying on a new server-side subscriber with a shared engine.
   */
  async ready(): Promise<void> {
    await this.engine.ready?.();
  }

  /** Publishes from the server to every subscriber of `channel`. */
  async publish(channel: string, data: unknown): Promise<number> {
    if (!isValidChannelName(channel) || isWild(channel) || channelKind(channel) !== 'broadcast') {
      throw bayeuxError('channel_invalid');
    }
    return this.engine.publish({ channel, data });
  }

  /** A server-side subscriber; returns the function that removes it. */
  subscribe(pattern: string, listener: ChannelListener): () => void {
    if (!isValidChannelName(pattern)) throw bayeuxError('channel_invalid');
    return this.engine.listen(pattern, listener);
  }

  /** Sends messages to one session only. */
  deliver(clientId: string, channel: string, data: unknown): Promise<boolean> {
    const message: Message = { channel, data };
    return this.engine.deliver(clientId, [message]);
  }

  /** Registers a `/service/**` handler (exact channel or wildcard pattern). */
  addService(channel: string, handler: ServiceHandler): () => void {
    if (!isValidChannelName(channel) || channelKind(channel) !== 'service') throw bayeuxError('channel_invalid');
    this.services.set(channel, handler);
    return () => {
      if (this.services.get(channel) === handler) this.services.delete(channel);
    };
  }

  /** Adds an extension to the pipeline; returns the function that removes it. */
  addExtension(extension: Extension): () => void {
    return this.extensions.add(extension);
  }

  /** Adds a channel authorizer on a channel or pattern: any deny wins; someone must grant. */
  authorize(pattern: string, authorizer: Authorizer): () => void {
    if (!isValidChannelName(pattern)) throw bayeuxError('channel_invalid');
    return this.authorizers.add(pattern, authorizer);
  }

  /** Marks a channel persistent: it is never swept, even with no subscribers. */
  setPersistent(channel: string, persistent = true): void {
    this.engine.setPersistent(channel, persistent);
  }

  on<K extends EngineEventType>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const wrapped = listener as (event: EngineEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  private emit(event: EngineEvent): void {
    if (event.type === 'session:removed') this.reclaimer?.departure();
    const set = this.listeners.get(event.type);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (err) {
        log.error(`listener for ${event.type} failed`, err);
      }
    }
  }

  stats(): EngineStats {
    return this.engine.stats();
  }

  /** Ends held connects, closes sockets and the server it created, and stops the engine. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reclaimTimer);
    await this.connector.releaseAll();
    // One turn for the transports to write the answers just released.
    await new Promise((resolve) => setImmediate(resolve));
    this.ws.close();
    for (const detach of this.attached.values()) detach();
    this.attached.clear();
    const own = this.own;
    if (own) {
      await new Promise<void>((resolve) => {
        own.close(() => resolve());
        own.closeAllConnections();
      });
    }
    await this.engine.close();
  }
}

function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

export function createKuiperServer(options: KuiperServerOptions = {}): KuiperServer {
  return new KuiperServer(options);
}
