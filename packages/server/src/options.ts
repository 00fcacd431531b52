/**
 * Option resolution (SPEC: API-*, LIMIT-*): the public option types, their defaults, and one
 * function that turns what a user passed into the complete settings the facade wires together.
 * Kept apart from the facade so every default is read in one place.
 */
import { CONNECTION_TYPES, type ConnectionType } from '@kuiper/protocol';
import { MAX_BATCH, MAX_CLIENT_ID_LENGTH } from './core/codec.js';
import { DEFAULT_LIMITS } from './core/core.js';
import type { Engine, OverflowPolicy } from './core/engine.js';
import type { Extension } from './core/extension.js';
import type { SecurityPolicy } from './core/security.js';
import { DEFAULT_POLL_PACING_MS } from './core/connector.js';
import type { RateLimit } from './extensions/rate-limit.js';
import type { OriginCheck } from './transports/origin.js';
import { DEFAULT_STREAM_KEEP_ALIVE_MS } from './transports/stream.js';

/** Every connection type the server speaks: the protocol's list (PROTO-3), under its old name. */
export const ALL_CONNECTION_TYPES = CONNECTION_TYPES;
export type { ConnectionType };

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
   * its peak (SWEEP-2); after a wave of at least 1,000 sessions that came and stayed, one compacting
   * full collection, so the old-space pages a connect storm left partly free are given back (SWEEP-3).
   * It sets V8 flags of the whole process (`--expose-gc`), so it is opt-in when
   * Kuiper is embedded in someone else's process: default false; `kuiper serve` turns it on.
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
  /** Frames a WebSocket client may have read but not yet answered before it is not read from (LIMIT-7). Default 16. */
  wsFramesInFlight: number;
  /** Messages one HTTP request or WebSocket frame may carry (LIMIT-11). Default 1000. */
  maxMessagesPerRequest: number;
  /** Longest clientId a message may carry, characters (LIMIT-9). Default 128; at least 64, the server's own are ~31. */
  maxClientIdLength: number;
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
  wsFramesInFlight: 16,
  maxMessagesPerRequest: MAX_BATCH,
  maxClientIdLength: MAX_CLIENT_ID_LENGTH,
};

/** The timing options' defaults, ms (what `kuiper serve --help` and the README list). */
export const DEFAULT_SERVER_TIMING = {
  timeout: 30_000,
  interval: 0,
  maxInterval: 10_000,
  sweepIntervalMs: 1000,
  batchDelayMs: 10,
  pollPacingMs: DEFAULT_POLL_PACING_MS,
  streamKeepAliveMs: DEFAULT_STREAM_KEEP_ALIVE_MS,
} as const;

export interface ListenOptions {
  port?: number;
  host?: string;
}

/** Every option with its default applied; what the facade and the adapters read. */
export interface ResolvedOptions {
  path: string;
  timeout: number;
  interval: number;
  maxInterval: number;
  sweepIntervalMs: number;
  limits: KuiperLimits;
  transports: readonly ConnectionType[];
  stats: boolean;
  reclaimMemory: boolean;
  streamKeepAliveMs: number;
  batchDelayMs: number;
  pollPacingMs: number;
  allowedOrigins: OriginCheck | undefined;
  ack: boolean;
  timesync: boolean;
}

export function resolveOptions(options: KuiperServerOptions): ResolvedOptions {
  const limits: KuiperLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  if (options.maxBodyBytes !== undefined) limits.maxBodyBytes = options.maxBodyBytes;
  return {
    path: normalisePath(options.path ?? '/bayeux'),
    timeout: options.timeout ?? DEFAULT_SERVER_TIMING.timeout,
    interval: options.interval ?? DEFAULT_SERVER_TIMING.interval,
    maxInterval: options.maxInterval ?? DEFAULT_SERVER_TIMING.maxInterval,
    sweepIntervalMs: options.sweepIntervalMs ?? DEFAULT_SERVER_TIMING.sweepIntervalMs,
    limits,
    transports: options.transports ?? ALL_CONNECTION_TYPES,
    stats: options.stats ?? false,
    reclaimMemory: options.reclaimMemory ?? false,
    streamKeepAliveMs: options.streamKeepAliveMs ?? DEFAULT_SERVER_TIMING.streamKeepAliveMs,
    batchDelayMs: options.batchDelayMs ?? DEFAULT_SERVER_TIMING.batchDelayMs,
    pollPacingMs: options.pollPacingMs ?? DEFAULT_SERVER_TIMING.pollPacingMs,
    allowedOrigins: options.allowedOrigins,
    ack: options.ack ?? true,
    timesync: options.timesync ?? true,
  };
}

/** `bayeux`, `/bayeux/` and `/bayeux` are one mount path: `/bayeux`. */
export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
