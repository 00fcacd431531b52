/**
 * `kuiper serve` — a standalone Bayeux server with no code to write.
 *   kuiper serve --port 8080 --host 127.0.0.1 --path /bayeux [--stats] [--timeout 30000]
 *                [--interval 0] [--max-interval 10000] [--transports websocket,long-polling]
 *                [--redis redis://127.0.0.1:6379] [--redis-prefix kuiper:] [--collab [--data DIR]]
 */
import { parseArgs } from 'node:util';
import { attachCollabFromCli } from './cli-collab.js';
import { createLogger } from './core/log.js';
import { ALL_CONNECTION_TYPES, type ConnectionType, createKuiperServer } from './server.js';

const log = createLogger('cli');

const USAGE = `usage: kuiper serve [--port 8080] [--host 127.0.0.1] [--path /bayeux] [--stats]
                    [--timeout ms] [--interval ms] [--max-interval ms] [--transports a,b]
                    [--redis redis://host:6379] [--redis-prefix kuiper:] [--collab [--data DIR]]

--redis shares sessions with every other node started with the same Redis URL and prefix,
so a load balancer can send any request to any node (no sticky sessions).
--collab serves rooms with shared documents and presence (@kuiper/collab, installed next to
this package): documents are kept in DIR (default ./.kuiper-data), or in Redis with --redis.`;

function int(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      stats: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      'max-interval': { type: 'string' },
      transports: { type: 'string' },
      redis: { type: 'string' },
      'redis-prefix': { type: 'string' },
      collab: { type: 'boolean' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'serve') {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const transports = values.transports?.split(',').map((t) => t.trim()) as ConnectionType[] | undefined;
  const unknown = transports?.filter((t) => !(ALL_CONNECTION_TYPES as readonly string[]).includes(t)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown transport(s): ${unknown.join(', ')}`);
  const redis = values.redis;
  if (redis !== undefined && !/^rediss?:\/\//.test(redis)) throw new Error(`--redis must be a redis:// or rediss:// URL, got "${redis}"`);
  if (values['redis-prefix'] !== undefined && redis === undefined) throw new Error('--redis-prefix needs --redis');
  if (values.data !== undefined && !values.collab) throw new Error('--data needs --collab');
  if (values.data !== undefined && redis !== undefined) throw new Error('--data and --redis: with --redis, documents are kept in Redis');
  // Loaded only when asked for: a server on the in-memory engine never loads ioredis.
  const engine =
    redis === undefined
      ? undefined
      : new (await import('./redis.js')).RedisEngine({ url: redis, prefix: values['redis-prefix'] ?? 'kuiper:' });
  const server = createKuiperServer({
    path: values.path ?? '/bayeux',
    stats: values.stats ?? false,
    timeout: int('timeout', values.timeout, 30_000),
    interval: int('interval', values.interval, 0),
    maxInterval: int('max-interval', values['max-interval'], 10_000),
    ...(transports ? { transports } : {}),
    ...(engine ? { engine } : {}),
    // A process of its own: full collections after mass departures are ours to run (SWEEP-2).
    reclaimMemory: true,
  });
  let url: string;
  let detachCollab: (() => Promise<void>) | undefined;
  try {
    if (values.collab) {
      const data = values.data ?? './.kuiper-data';
      detachCollab = await attachCollabFromCli(server, { data, ...(redis ? { redis, redisPrefix: values['redis-prefix'] } : {}) });
    }
    ({ url } = await server.listen({ port: int('port', values.port, 8080), host: values.host ?? '127.0.0.1' }));
  } catch (err) {
    await detachCollab?.().catch(() => undefined);
    await server.close().catch(() => undefined);
    throw err;
  }
  // The one line a user (and the CLI test) waits for.
  const shared = redis === undefined ? '' : ` (sessions shared through ${redis.replace(/\/\/[^@/]*@/, '//')})`;
  const rooms = values.collab ? ` (rooms: ${redis === undefined ? `documents in ${values.data ?? './.kuiper-data'}` : 'documents in Redis'})` : '';
  console.log(`kuiper listening on ${url}${values.stats ? ` (stats at ${new URL('/_kuiper/stats', url).href})` : ''}${shared}${rooms}`);
  const stop = (): void => {
    log.info('shutting down');
    // Rooms first: each writes its final snapshot while the server still runs.
    void (detachCollab?.() ?? Promise.resolve()).then(() => server.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
