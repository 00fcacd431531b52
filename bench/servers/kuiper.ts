// Kuiper with the configuration the benchmark documents: 30 s connect timeout, no interval, and a
// 10 s maxInterval (sessions without a connect for that long are pruned); in-memory engine, or the
// Redis engine for the two-node case.
//
// It runs the compiled package (packages/server/dist, built by `pnpm bench` first), as users run it
// in production: through tsx every function of the TypeScript source gets a `name` property
// (esbuild's keepNames), about 1.5 KiB of heap per idle session that no user would pay.
// The smoke test, on a clean clone with no build, runs the source instead, with @kuiper/protocol
// resolved to its source too (the compiled server needs the protocol's dist/, built with it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveKuiperFromSource } from '../../packages/server/bin/source-conditions.js';
import type * as Server from '../../packages/server/src/index.ts';
import type * as ServerRedis from '../../packages/server/src/redis.ts';
import { serveOverIpc } from './serve-over-ipc.ts';

const dist = new URL('../../packages/server/dist/index.js', import.meta.url);
const protocolDist = new URL('../../packages/protocol/dist/index.js', import.meta.url);
const fromDist = existsSync(fileURLToPath(dist)) && existsSync(fileURLToPath(protocolDist));
if (!fromDist) resolveKuiperFromSource();
const { createKuiperServer } = (await import(
  fromDist ? dist.href : new URL('../../packages/server/src/index.ts', import.meta.url).href
)) as typeof Server;
const { RedisEngine } = (await import(
  fromDist ? new URL('redis.js', dist).href : new URL('../../packages/server/src/redis.ts', import.meta.url).href
)) as typeof ServerRedis;

// two-node case: `<redis url> <key prefix>` as arguments put this node on the shared Redis engine,
// built as `kuiper serve --redis URL --redis-prefix P` builds it.
const [redisUrl, prefix] = process.argv.slice(2);
const engine = redisUrl === undefined ? undefined : new RedisEngine({ url: redisUrl, prefix: prefix ?? 'kuiper:' });
// reclaimMemory as `kuiper serve` runs it: a process of its own (SWEEP-2).
const kuiper = createKuiperServer({
  path: '/bayeux',
  timeout: 30000,
  interval: 0,
  maxInterval: 10000,
  reclaimMemory: true,
  ...(engine ? { engine } : {}),
});
const { port, url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
if (!fromDist) console.error('[bench] kuiper: packages/server/dist or packages/protocol/dist not built, running the TypeScript source');
serveOverIpc({ url, port, sessions: () => kuiper.stats().clients, close: () => kuiper.close() });
