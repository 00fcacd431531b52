/**
 * `kuiper serve` — a standalone Bayeux server with no code to write. Every setting (SPEC: SERVE-*)
 * is a flag and a key of a `--config` JSON file: see `kuiper serve --help`, written from the table
 * in cli-settings.ts. This file turns the settings into a running server.
 */
import { readServeCommand } from './cli-args.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachCollabFromCli } from './cli-collab.js';
import { serveUsage } from './cli-help.js';
import { type ServeSettings, clusterNodes } from './cli-settings.js';
import type { Engine } from './core/engine.js';
import { createLogger } from './core/log.js';
import type { KuiperServerOptions } from './options.js';

const log = createLogger('cli');

/** The embedding API's options for these settings (the README's Limits table maps one to the other). */
export function serverOptions(s: ServeSettings): KuiperServerOptions {
  return {
    path: s.path,
    stats: s.stats,
    timeout: s.timeout,
    interval: s.interval,
    maxInterval: s.maxInterval,
    sweepIntervalMs: s.sweepInterval,
    batchDelayMs: s.batchDelay,
    pollPacingMs: s.pollPacing,
    streamKeepAliveMs: s.streamKeepAlive,
    transports: s.transports,
    ...(s.allowedOrigins ? { allowedOrigins: s.allowedOrigins.includes('*') ? '*' : s.allowedOrigins } : {}),
    ack: s.ack,
    timesync: s.timesync,
    limits: {
      maxBodyBytes: s.maxBodyBytes,
      maxMessageBytes: s.maxMessageBytes,
      maxSubscriptions: s.maxSubscriptions,
      maxSessionsPerConnection: s.maxSessionsPerConnection,
      // [SERVE-4] 0 turns rate limiting off; the burst follows the rate unless set.
      publishRate: s.rateLimit === 0 ? false : { perSecond: s.rateLimit, burst: s.rateBurst ?? 2 * s.rateLimit },
      maxQueue: s.maxQueue,
      maxQueueBytes: s.maxQueueBytes,
      overflow: s.overflow,
      wsHighWaterBytes: s.wsHighWaterBytes,
      wsFramesInFlight: s.wsFramesInFlight,
      maxMessagesPerRequest: s.maxMessagesPerRequest,
      maxClientIdLength: s.maxClientIdLength,
    },
    // A process of its own: full collections after mass departures are ours to run (SWEEP-2).
    reclaimMemory: true,
  };
}

/** The Redis engine, loaded only when asked for: a server on the in-memory engine never loads ioredis. */
async function redisEngine(s: ServeSettings): Promise<Engine | undefined> {
  if (s.redis === undefined && s.redisCluster === undefined) return undefined;
  const where = s.redisCluster !== undefined ? { cluster: clusterNodes(s.redisCluster) } : { url: s.redis };
  const options = { ...where, prefix: s.redisPrefix ?? 'kuiper:', ...(s.redisHistory !== undefined ? { historySize: s.redisHistory } : {}) };
  return new (await import('./redis.js')).RedisEngine(options);
}

/** [SERVE-8] The API key from the environment, kept out of the process list; too short exits 2. */
function envApiKey(): string | undefined {
  const key = process.env['KUIPER_API_KEY'];
  if (key === undefined || key === '') return undefined;
  if (key.length < 16) throw new Error('KUIPER_API_KEY: expected a key of at least 16 characters');
  return key;
}

export async function main(argv: string[]): Promise<number> {
  const { command, help, settings: s } = readServeCommand(argv);
  if (help || command !== 'serve') {
    console.log(serveUsage());
    return help ? 0 : 2;
  }
  const redis = s.redis;
  const engine = await redisEngine(s);
  // Loaded once the settings are known to be good: a mistyped flag is reported without waiting for it.
  const { createKuiperServer } = await import('./server.js');
  const server = createKuiperServer({ ...serverOptions(s), ...(engine ? { engine } : {}) });
  let url: string;
  let detachCollab: (() => Promise<void>) | undefined;
  let api: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  try {
    if (s.collab) {
      const data = s.data ?? './.kuiper-data';
      const cluster = s.redisCluster !== undefined ? { redisCluster: clusterNodes(s.redisCluster) } : {};
      const apiKey = s.apiKey ?? envApiKey();
      // The pages that may use Bayeux from another origin may upload and fetch the rooms' pictures too.
      const origins = serverOptions(s).allowedOrigins;
      const assets = {
        ...(s.maxAssetBytes === undefined ? {} : { maxBytes: s.maxAssetBytes }),
        ...(s.maxRoomAssetBytes === undefined ? {} : { maxRoomBytes: s.maxRoomAssetBytes }),
        ...(s.keepUnusedAssetsDays === undefined ? {} : { unusedForMs: s.keepUnusedAssetsDays * 86_400_000 }),
        ...(origins === undefined ? {} : { allowedOrigins: origins }),
      };
      // [SERVE-8] The versions' limits (COLLAB-50); 0 minutes: the rooms keep none by themselves.
      const versions = {
        ...(s.versionEveryMinutes === undefined ? {} : { everyMs: s.versionEveryMinutes === 0 ? Infinity : s.versionEveryMinutes * 60_000 }),
        ...(s.versionsKept === undefined ? {} : { keep: s.versionsKept }),
        ...(s.maxRoomVersionBytes === undefined ? {} : { maxRoomBytes: s.maxRoomVersionBytes }),
        ...(origins === undefined ? {} : { allowedOrigins: origins }),
      };
      const attached = await attachCollabFromCli(server, { data, ...(redis ? { redis } : {}), ...cluster, redisPrefix: s.redisPrefix, ...(apiKey ? { apiKey } : {}), assets, versions });
      ({ detach: detachCollab, api } = attached);
    }
    ({ url } = await server.listen({ port: s.port, host: s.host, ...(api ? { otherRequests: api } : {}) }));
  } catch (err) {
    await detachCollab?.().catch(() => undefined);
    await server.close().catch(() => undefined);
    throw err;
  }
  // The one line a user (and the CLI test) waits for.
  const through = s.redisCluster !== undefined ? `the Redis Cluster at ${s.redisCluster.join(',')}` : redis?.replace(/\/\/[^@/]*@/, '//');
  const shared = through === undefined ? '' : ` (sessions shared through ${through})`;
  const rooms = s.collab ? ` (rooms: ${through === undefined ? `documents in ${s.data ?? './.kuiper-data'}` : 'documents in Redis'})` : '';
  const documents = api ? ` (documents at ${new URL('/api/rooms/', url).href}<id>/ydoc)` : '';
  console.log(`kuiper listening on ${url}${s.stats ? ` (stats at ${new URL('/_kuiper/stats', url).href})` : ''}${shared}${rooms}${documents}`);
  const stop = (): void => {
    log.info('shutting down');
    // Rooms first: each writes its final snapshot while the server still runs.
    void (detachCollab?.() ?? Promise.resolve()).then(() => server.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
