/**
 * The embedding API (SPEC: API-*): `createKuiperServer(options)` wires codec, core, engine and
 * transports together and exposes server-side publish/subscribe, `/service` handlers, events and
 * stats. Option defaults live in `options.ts`; how a host's requests reach the transports lives in
 * `adapters/` (node:http, and fetch for web-standard hosts).
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { channelKind, isValidChannelName, isWildcard, bayeuxError, type Message } from '@kuiper/protocol';
import { FetchAdapter } from './adapters/fetch.js';
import { HeapReclaimer } from './adapters/heap-reclaimer.js';
import { type ListenOptions, NodeHttpAdapter } from './adapters/node-http.js';
import { Connector } from './core/connector.js';
import { BayeuxCore, type ServiceHandler } from './core/core.js';
import type { ChannelListener, Engine, EngineEvent, EngineEventType, EngineStats } from './core/engine.js';
import { type Extension, ExtensionPipeline } from './core/extension.js';
import {
  type ChannelOccupiedEvent,
  type ChannelVacatedEvent,
  type LifecycleHook,
  LifecycleHooks,
  type SessionRemovedEvent,
} from './core/lifecycle.js';
import { createLogger } from './core/log.js';
import { type Authorizer, Authorizers, type SessionInfo } from './core/security.js';
import { MemoryEngine } from './engines/memory.js';
import { ackExtension } from './extensions/ack.js';
import { rateLimitExtension } from './extensions/rate-limit.js';
import { timesyncExtension } from './extensions/timesync.js';
import { type ConnectionType, type KuiperLimits, type KuiperServerOptions, resolveOptions } from './options.js';
import { HttpTransport } from './transports/http.js';
import { originAllowed } from './transports/origin.js';
import { StreamTransport } from './transports/stream.js';
import { WsTransport } from './transports/websocket.js';
import { type InProcessOptions, type InProcessTransportFactory, inProcessTransport } from './transports/in-process.js';

export { ALL_CONNECTION_TYPES, DEFAULT_SERVER_LIMITS } from './options.js';
export type { ConnectionType, KuiperLimits, KuiperServerOptions } from './options.js';
export type { ListenOptions } from './adapters/node-http.js';

const log = createLogger('server');

export type KuiperEventMap = { [K in EngineEventType]: Extract<EngineEvent, { type: K }> };
type Listener<K extends EngineEventType> = (event: KuiperEventMap[K]) => void;

export class KuiperServer {
  readonly path: string;
  readonly engine: Engine;
  readonly limits: KuiperLimits;
  private readonly connector: Connector;
  private readonly ws: WsTransport;
  private readonly node: NodeHttpAdapter;
  private readonly fetchAdapter: FetchAdapter;
  private readonly services = new Map<string, ServiceHandler>();
  private readonly extensions = new ExtensionPipeline();
  private readonly authorizers = new Authorizers();
  private readonly lifecycle = new LifecycleHooks();
  private readonly listeners = new Map<EngineEventType, Set<(event: EngineEvent) => void>>();
  private readonly transports: readonly ConnectionType[];
  private closed = false;
  private readonly reclaimer: HeapReclaimer | undefined;
  private readonly reclaimTimer: NodeJS.Timeout | undefined;

  constructor(options: KuiperServerOptions = {}) {
    const o = resolveOptions(options);
    const { limits, timeout, interval, maxInterval } = o;
    this.path = o.path;
    this.limits = limits;
    this.transports = o.transports;
    this.engine = options.engine ?? new MemoryEngine();
    this.engine.start({
      maxInterval,
      interval,
      sweepIntervalMs: o.sweepIntervalMs,
      maxQueue: limits.maxQueue,
      maxQueueBytes: limits.maxQueueBytes,
      overflow: limits.overflow,
      onEvent: (event) => this.emit(event),
      onLifecycle: this.lifecycle.handle,
    });
    if (o.reclaimMemory) {
      const reclaimer = new HeapReclaimer({ liveSessions: () => this.engine.stats().clients });
      this.reclaimer = reclaimer;
      this.reclaimTimer = setInterval(() => reclaimer.check(Date.now()), o.sweepIntervalMs);
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
      lifecycle: this.lifecycle,
      limits: { maxSubscriptions: limits.maxSubscriptions, maxMessageBytes: limits.maxMessageBytes, maxClientIdLength: limits.maxClientIdLength },
      ...(options.policy ? { policy: options.policy } : {}),
    });
    if (limits.publishRate) this.extensions.add(rateLimitExtension(limits.publishRate));
    if (o.ack) this.extensions.add(ackExtension());
    if (o.timesync) this.extensions.add(timesyncExtension());
    for (const extension of options.extensions ?? []) this.extensions.add(extension);
    const allowedOrigins = o.allowedOrigins;
    this.connector = new Connector(core, this.engine, { batchDelayMs: o.batchDelayMs, pollPacingMs: o.pollPacingMs });
    const enabled = (type: string): boolean => (this.transports as readonly string[]).includes(type);
    const http = new HttpTransport(this.connector, {
      maxBodyBytes: limits.maxBodyBytes,
      maxBatch: limits.maxMessagesPerRequest,
      acceptsPost: () => this.transports.some((t) => t !== 'websocket' && t !== 'callback-polling'),
      enabled,
    });
    this.ws = new WsTransport(this.connector, {
      maxMessageBytes: limits.maxBodyBytes,
      maxBatch: limits.maxMessagesPerRequest,
      maxFramesInFlight: limits.wsFramesInFlight,
      maxSessionsPerConnection: limits.maxSessionsPerConnection,
      highWaterBytes: limits.wsHighWaterBytes,
      idleMs: timeout + maxInterval + 10_000,
      origin: (origin, host) => originAllowed(allowedOrigins, origin, host),
    });
    const streams = new StreamTransport(this.connector, {
      maxBodyBytes: limits.maxBodyBytes,
      maxBatch: limits.maxMessagesPerRequest,
      keepAliveMs: o.streamKeepAliveMs,
      enabled,
    });
    this.node = new NodeHttpAdapter({
      path: this.path,
      http,
      streams,
      ws: this.ws,
      websocketEnabled: enabled('websocket'),
      serveStats: o.stats,
      stats: () => this.stats(),
      corsAllowed: (origin) => allowedOrigins !== undefined && originAllowed(allowedOrigins, origin, undefined),
      corsAny: allowedOrigins === '*',
      ready: () => this.ready(),
    });
    this.fetchAdapter = new FetchAdapter(this.node.host);
  }

  /**
   * [SEC-9] A transport for `@kuiper/client` that reaches this server in-process: the server's own
   * code as a client (`createClient('in-process:', { transports: [kuiper.inProcessTransport()] })`).
   * Its sessions are server sessions (`isServerSession`): no `canHandshake`, no policy or authorizer
   * asked, and their clientIds refused from the network. `options.data` is what the session says
   * of itself beside that mark (`{ user: { id, name } }`: the name its chat messages carry).
   * Once the server has closed, its sessions are answered `410::server_closed` and their clients stop.
   */
  inProcessTransport(options: InProcessOptions = {}): InProcessTransportFactory {
    const server = { connector: this.connector, maxBatch: this.limits.maxMessagesPerRequest, isClosed: () => this.closed };
    return inProcessTransport(server, options);
  }

  /** Serves Kuiper's paths on an existing node:http server; its other handlers keep the rest. */
  attach(server: HttpServer): this {
    this.node.attach(server);
    return this;
  }

  /** Handles a node:http request if it is Kuiper's and returns true; false (touching nothing) if not. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    return this.node.handleRequest(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.node.handleUpgrade(req, socket, head);
  }

  /**
   * The web-standard entry: answers a WHATWG `Request` for Kuiper's paths (long-polling,
   * callback-polling and the streaming transports; WebSocket needs `attach` or `listen`), and a
   * 404 for any other path. Call `ready()` once before serving, as after `attach`.
   */
  fetch(request: Request): Promise<Response> {
    return this.fetchAdapter.fetch(request);
  }

  /**
   * Route handlers for a Next.js App Router catch-all route under the mount path
   * (`app/bayeux/[[...path]]/route.ts`: `export const { GET, POST, OPTIONS } = kuiper.routeHandlers()`).
   */
  routeHandlers(): Record<'GET' | 'POST' | 'OPTIONS', (request: Request) => Promise<Response>> {
    const handle = (request: Request): Promise<Response> => this.fetchAdapter.fetch(request);
    return { GET: handle, POST: handle, OPTIONS: handle };
  }

  /** Starts a node:http server of its own; resolves with the port and the Bayeux URL. */
  listen(options: ListenOptions = {}): Promise<{ port: number; url: string; server: HttpServer }> {
    return this.node.listen(options);
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
    if (!isValidChannelName(channel) || isWildcard(channel) || channelKind(channel) !== 'broadcast') {
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

  /**
   * [LIFE-1][LIFE-2] Runs `hook` when a channel matching `pattern` gets its first subscriber, on every
   * node (`event.local` on the one where it subscribed). There, the subscribe is answered only once the
   * hook resolved; if it throws, the subscribe fails with its BayeuxError (else `500:<channel>:server_error`)
   * and is undone. Returns the function that removes it.
   */
  onChannelOccupied(pattern: string, hook: LifecycleHook<ChannelOccupiedEvent>): () => void {
    if (!isValidChannelName(pattern)) throw bayeuxError('channel_invalid');
    return this.lifecycle.onOccupied(pattern, hook);
  }

  /** [LIFE-3] Runs `hook` on every node when a matching channel's last subscriber goes (unsubscribe or session removal). */
  onChannelVacated(pattern: string, hook: LifecycleHook<ChannelVacatedEvent>): () => void {
    if (!isValidChannelName(pattern)) throw bayeuxError('channel_invalid');
    return this.lifecycle.onVacated(pattern, hook);
  }

  /** [LIFE-4] Runs `hook` on every node when a session ends, with its reason and the data the policy attached. */
  onSessionRemoved(hook: LifecycleHook<SessionRemovedEvent>): () => void {
    return this.lifecycle.onRemoved(hook);
  }

  /** [LIFE-5] The sessions subscribed to exactly `channel`, with their data; the same on every node. */
  async subscribers(channel: string): Promise<SessionInfo[]> {
    if (!isValidChannelName(channel)) throw bayeuxError('channel_invalid');
    return this.engine.subscribers(channel);
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
    else if (event.type === 'session:added') this.reclaimer?.arrival();
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
    await this.node.close();
    await this.engine.close();
  }
}

export function createKuiperServer(options: KuiperServerOptions = {}): KuiperServer {
  return new KuiperServer(options);
}
