/**
 * Every setting of `kuiper serve` in one table (SPEC: SERVE-1, SERVE-2): its flag, its key in the
 * `--config` file, its default, its unit and what it does. The flag is the key in kebab-case
 * (`maxQueueBytes` ↔ `--max-queue-bytes`), so the two can never drift apart, and `--help` is
 * written from this table, so it lists every setting with its default.
 */
import { CONNECTION_TYPES, type ConnectionType } from '@kuiper/protocol';
import type { OverflowPolicy } from './core/engine.js';
import { DEFAULT_SERVER_LIMITS, DEFAULT_SERVER_TIMING } from './options.js';
import { type ValueReader, byteSize, listOf, oneOf, text, wholeNumber, yesNo } from './cli-values.js';

export interface ServeSettings {
  port: number;
  host: string;
  path: string;
  stats: boolean;
  transports: ConnectionType[];
  allowedOrigins: string[] | undefined;
  timeout: number;
  interval: number;
  maxInterval: number;
  sweepInterval: number;
  batchDelay: number;
  pollPacing: number;
  streamKeepAlive: number;
  maxBodyBytes: number;
  maxMessageBytes: number;
  maxSubscriptions: number;
  maxSessionsPerConnection: number;
  rateLimit: number;
  rateBurst: number | undefined;
  maxQueue: number;
  maxQueueBytes: number;
  overflow: OverflowPolicy;
  wsHighWaterBytes: number;
  wsFramesInFlight: number;
  maxMessagesPerRequest: number;
  maxClientIdLength: number;
  ack: boolean;
  timesync: boolean;
  redis: string | undefined;
  redisPrefix: string | undefined;
  redisHistory: number | undefined;
  redisCluster: string[] | undefined;
  collab: boolean;
  data: string | undefined;
  apiKey: string | undefined;
  maxAssetBytes: number | undefined;
  maxRoomAssetBytes: number | undefined;
  keepUnusedAssetsDays: number | undefined;
  versionEveryMinutes: number | undefined;
  versionsKept: number | undefined;
  maxRoomVersionBytes: number | undefined;
}

export type SettingKey = keyof ServeSettings;

export interface Setting<T> {
  group: string;
  /** What the flag's value is, in `--help`: `ms`, `bytes`, `N`, … (none for a true/false setting). */
  arg?: string;
  help: string;
  default: T;
  /** The default as `--help` says it, when printing the value would not say enough. */
  shownDefault?: string;
  read: ValueReader<NonNullable<T>>;
}

const LISTEN = 'Listening';
const TIMING = 'Timing (ms)';
const LIMITS = 'Limits (what a client sees when one is hit: packages/server/README.md, "Limits")';
const EXTENSIONS = 'Extensions';
const SHARING = 'Several nodes, rooms';

const MAX_MS = 24 * 3600 * 1000;
const L = DEFAULT_SERVER_LIMITS;
const T = DEFAULT_SERVER_TIMING;
const rate = L.publishRate === false ? { perSecond: 0, burst: 0 } : L.publishRate;

const hostPort = (s: string): string | undefined => {
  const port = Number(/^[^\s:,]+:(\d{1,5})$/.exec(s)?.[1]);
  return port > 0 && port < 65536 ? s : undefined;
};

/** `--redis-cluster`'s seed nodes (each already read as host:port) as ioredis Cluster takes them. */
export function clusterNodes(list: readonly string[]): { host: string; port: number }[] {
  return list.map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}
const isOrigin = (s: string): string | undefined => (s === '*' || /^https?:\/\/[^\s/]+$/.test(s) ? s : undefined);
const isTransport = (s: string): ConnectionType | undefined =>
  (CONNECTION_TYPES as readonly string[]).includes(s) ? (s as ConnectionType) : undefined;

export const SETTINGS: { [K in SettingKey]: Setting<ServeSettings[K]> } = {
  port: { group: LISTEN, arg: 'N', help: 'TCP port; 0 picks a free one', default: 8080, read: wholeNumber(0, 65535) },
  host: { group: LISTEN, arg: 'HOST', help: 'interface to listen on; 0.0.0.0 for all', default: '127.0.0.1', read: text('a host name or address') },
  path: { group: LISTEN, arg: 'PATH', help: 'mount path of the Bayeux endpoint', default: '/bayeux', read: text('a path such as /bayeux', (s) => /^\/?[^\s?#]*$/.test(s)) },
  stats: { group: LISTEN, help: 'serve GET /_kuiper/stats as JSON', default: false, read: yesNo },
  transports: {
    group: LISTEN,
    arg: 'a,b',
    help: 'enabled connection types, in the order handshakes list them',
    default: [...CONNECTION_TYPES],
    shownDefault: CONNECTION_TYPES.join(','),
    read: listOf(`connection types (${CONNECTION_TYPES.join(', ')})`, isTransport),
  },
  allowedOrigins: {
    group: LISTEN,
    arg: 'a,b',
    help: 'origins such as https://app.example allowed to open WebSockets and get CORS headers; * for any',
    default: undefined,
    shownDefault: 'same-origin pages and non-browser clients only',
    read: listOf('origins such as https://app.example, or *', isOrigin),
  },
  timeout: { group: TIMING, arg: 'ms', help: 'how long a /meta/connect is held', default: T.timeout, read: wholeNumber(0, MAX_MS) },
  interval: { group: TIMING, arg: 'ms', help: 'advised pause between connects', default: T.interval, read: wholeNumber(0, MAX_MS) },
  maxInterval: { group: TIMING, arg: 'ms', help: 'a session with no connect for this long is removed', default: T.maxInterval, read: wholeNumber(1, MAX_MS) },
  sweepInterval: { group: TIMING, arg: 'ms', help: 'how often pruning and channel sweeping run', default: T.sweepIntervalMs, read: wholeNumber(1, MAX_MS) },
  batchDelay: { group: TIMING, arg: 'ms', help: 'a woken long-poll waits this long so more messages share its response', default: T.batchDelayMs, read: wholeNumber(0, MAX_MS) },
  pollPacing: { group: TIMING, arg: 'ms', help: 'a woken long-poll is answered no sooner after it arrived; 0: off', default: T.pollPacingMs, read: wholeNumber(0, MAX_MS) },
  streamKeepAlive: { group: TIMING, arg: 'ms', help: 'keep-alive period on eventsource, forever-frame, multipart-mime', default: T.streamKeepAliveMs, read: wholeNumber(1, MAX_MS) },
  maxBodyBytes: { group: LIMITS, arg: 'bytes', help: 'largest HTTP body or WebSocket frame', default: L.maxBodyBytes, read: byteSize(1) },
  maxMessageBytes: { group: LIMITS, arg: 'bytes', help: 'largest published message, serialised', default: L.maxMessageBytes, read: byteSize(1) },
  maxSubscriptions: { group: LIMITS, arg: 'N', help: 'subscriptions per session', default: L.maxSubscriptions, read: wholeNumber(1) },
  maxSessionsPerConnection: { group: LIMITS, arg: 'N', help: 'sessions one WebSocket may carry', default: L.maxSessionsPerConnection, read: wholeNumber(1) },
  rateLimit: {
    group: LIMITS,
    arg: 'N/s',
    help: 'publishes per second per session, sustained; 0 (or --no-rate-limit) turns rate limiting off',
    default: rate.perSecond,
    read: wholeNumber(0),
  },
  rateBurst: {
    group: LIMITS,
    arg: 'N',
    help: 'publishes a session may send at once before --rate-limit paces it',
    default: undefined,
    shownDefault: `2 × --rate-limit (${rate.burst})`,
    read: wholeNumber(1),
  },
  maxQueue: { group: LIMITS, arg: 'N', help: 'messages queued for one session before --overflow applies', default: L.maxQueue, read: wholeNumber(1) },
  maxQueueBytes: { group: LIMITS, arg: 'bytes', help: 'bytes queued for one session before --overflow applies', default: L.maxQueueBytes, read: byteSize(1) },
  overflow: { group: LIMITS, arg: 'policy', help: 'a slow consumer past its queue: drop-oldest or disconnect', default: L.overflow, read: oneOf(['drop-oldest', 'disconnect'] as const) },
  wsHighWaterBytes: { group: LIMITS, arg: 'bytes', help: 'unsent bytes a WebSocket may hold before deliveries wait in its queue', default: L.wsHighWaterBytes, read: byteSize(1) },
  wsFramesInFlight: { group: LIMITS, arg: 'N', help: 'WebSocket frames read but not yet answered before the socket is not read from', default: L.wsFramesInFlight, read: wholeNumber(1) },
  maxMessagesPerRequest: { group: LIMITS, arg: 'N', help: 'messages one HTTP request or WebSocket frame may carry', default: L.maxMessagesPerRequest, read: wholeNumber(1) },
  // Not below 64: the server's own clientIds are ~31 characters, and a limit under them would refuse every session.
  maxClientIdLength: { group: LIMITS, arg: 'N', help: 'longest clientId a message may carry, characters', default: L.maxClientIdLength, read: wholeNumber(64) },
  ack: { group: EXTENSIONS, help: 'cometd-compatible ack extension: ordered delivery, nothing lost', default: true, read: yesNo },
  timesync: { group: EXTENSIONS, help: 'cometd-compatible timesync extension', default: true, read: yesNo },
  redis: {
    group: SHARING,
    arg: 'URL',
    help: 'share sessions with every node on this redis:// or rediss:// URL: no sticky sessions',
    default: undefined,
    shownDefault: 'none: sessions in memory',
    read: text('a redis:// or rediss:// URL', (s) => /^rediss?:\/\/\S+$/.test(s)),
  },
  redisPrefix: { group: SHARING, arg: 'PREFIX', help: 'prefix of every Redis key', default: undefined, shownDefault: 'kuiper:', read: text('a key prefix') },
  redisHistory: {
    group: SHARING,
    arg: 'N',
    help: 'entries each channel keeps in Redis, so a session that was away can catch up',
    default: undefined,
    shownDefault: '1000, and at least --max-queue',
    read: wholeNumber(1),
  },
  redisCluster: { group: SHARING, arg: 'host:port,…', help: 'share sessions through the Redis Cluster with these seed nodes, instead of --redis', default: undefined, shownDefault: 'none', read: listOf('host:port seed nodes', hostPort) },
  collab: { group: SHARING, help: 'serve rooms with shared documents and presence, from @kuiper/collab', default: false, read: yesNo },
  data: { group: SHARING, arg: 'DIR', help: 'where --collab keeps documents without Redis', default: undefined, shownDefault: './.kuiper-data', read: text('a directory') },
  apiKey: {
    group: SHARING,
    arg: 'KEY',
    help: 'serve the rooms\' documents over HTTP at /api/rooms/<id>/ydoc to requests bearing this key (or KUIPER_API_KEY)',
    default: undefined,
    shownDefault: 'none: no HTTP API',
    read: text('a key of at least 16 characters', (s) => s.length >= 16),
  },
  maxAssetBytes: { group: SHARING, arg: 'bytes', help: 'largest picture a --collab room member may upload to /kuiper-assets', default: undefined, shownDefault: '8MiB', read: byteSize(1) },
  maxRoomAssetBytes: { group: SHARING, arg: 'bytes', help: 'most the pictures of one --collab room may take together', default: undefined, shownDefault: '100MiB', read: byteSize(1) },
  keepUnusedAssetsDays: { group: SHARING, arg: 'days', help: 'how long a --collab room keeps a picture nothing refers to any more, from when its emptying found it unused', default: undefined, shownDefault: '7', read: wholeNumber(0, 36_500) },
  versionEveryMinutes: { group: SHARING, arg: 'minutes', help: 'least time between two versions a --collab room keeps by itself while edited; 0 keeps none (members still save theirs)', default: undefined, shownDefault: '10', read: wholeNumber(0, 525_600) },
  versionsKept: { group: SHARING, arg: 'N', help: 'unnamed versions a --collab room keeps, the oldest going first', default: undefined, shownDefault: '50', read: wholeNumber(1, 100_000) },
  maxRoomVersionBytes: { group: SHARING, arg: 'bytes', help: 'most the unnamed versions of one --collab room may take together (the newest is kept whatever its size)', default: undefined, shownDefault: '32MiB', read: byteSize(1) },
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** `maxQueueBytes` → `max-queue-bytes`. */
export function flagOf(key: SettingKey): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function defaultSettings(): ServeSettings {
  const out = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) out[key] = SETTINGS[key].default;
  return out as unknown as ServeSettings;
}
