/**
 * The client's options, and how they become a session's configuration. Both the client and the
 * leader tab of a shared connection (shared/leader-hub.ts) build their session from here.
 */
import { defaultEnv } from '#globals';
import type { BackoffOptions } from './backoff.js';
import { KuiperClientError } from './errors.js';
import type { Logger, LogLevel, LogSink } from './logger.js';
import type { SessionConfig } from './session-config.js';
import type { StatusListener } from './status.js';
import { getTransport, type FetchLike, type TransportFactory, type WebSocketConstructor } from './transport.js';
import { DEFAULT_TRANSPORTS } from './transports/index.js';

export interface ClientOptions {
  /** Transports in preference order, by registered name or as factories. Default websocket, long-polling, callback-polling. */
  transports?: ReadonlyArray<string | TransportFactory>;
  /** WebSocket constructor; default the global one (browsers) or `ws` (Node). */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; default the global one. */
  fetch?: FetchLike;
  /** Reconnect backoff; see backoffDelay. */
  backoff?: BackoffOptions;
  /** How long to wait for a reply (beyond the advised hold for /meta/connect). Default 10 000 ms. */
  requestTimeout?: number;
  /** How long a transport may take to open before the next one is tried. Default 3 000 ms. */
  openTimeout?: number;
  /** After falling back, try the preferred transport again after this many ms; 0 never. Default 60 000. */
  upgradeInterval?: number;
  /** Publishes and calls that may wait while not connected. Default 100. */
  maxQueue?: number;
  /**
   * Use the server's ack extension when it offers one: every message exactly once, in order, across
   * dropped connections (deliveries then ride on connect replies only). Default true.
   */
  ack?: boolean;
  /** `ext` for the handshake (credentials, for example); a function is called at each handshake. */
  ext?: Record<string, unknown> | (() => Record<string, unknown> | undefined);
  /** Logging threshold; default `KUIPER_LOG` or silent. */
  log?: LogLevel;
  logSink?: LogSink;
  onStatus?: StatusListener;
  onError?: (error: Error) => void;
}

export interface CallOptions {
  /** Default: the client's requestTimeout. */
  timeout?: number;
}

function resolveTransports(list: ReadonlyArray<string | TransportFactory>): TransportFactory[] {
  return list.map((item) => {
    if (typeof item !== 'string') return item;
    const factory = getTransport(item);
    if (!factory) throw new KuiperClientError('no_transport', `unknown transport "${item}"`);
    return factory;
  });
}

/** The session's configuration; `transports` holds only those usable here, most preferred first. */
export function sessionConfig(url: string, options: ClientOptions, logger: Logger): SessionConfig {
  const base = defaultEnv();
  const env = { ...base, fetch: options.fetch ?? base.fetch, WebSocket: options.WebSocket ?? base.WebSocket };
  const ext = options.ext;
  const config: SessionConfig = {
    url,
    transports: resolveTransports(options.transports ?? DEFAULT_TRANSPORTS).filter((t) => t.isUsable(env, url)),
    env,
    logger,
    backoff: options.backoff ?? {},
    requestTimeout: options.requestTimeout ?? 10_000,
    openTimeout: options.openTimeout ?? 3_000,
    upgradeInterval: options.upgradeInterval ?? 60_000,
    ack: options.ack ?? true,
    handshakeExt: typeof ext === 'function' ? ext : ext ? () => ext : undefined,
  };
  // Still start without one: the session stops with a no_transport error that onStatus/onError report.
  if (config.transports.length === 0) logger.warn('no usable transport in this environment');
  return config;
}
