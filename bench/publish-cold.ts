// What one publish costs a Redis woken for it a few times a second, by the form the work takes: a
// bare PUBLISH (the relay floor), an empty script, the engine's own publish script, and the same
// seven commands as that script sent as one MULTI/EXEC (no Lua; not atomic enough for the engine,
// which needs the offset HINCRBY returns in the XADD and the PUBLISH, but it shows what Lua adds).
// Each form gets a fresh redis-server of its own and two subscribed connections standing in for
// two nodes. Run: `node --import tsx bench/publish-cold.ts [rate per second ...]` (default 100 10);
// it prints per call: Redis's command time (INFO commandstats, the script's inner commands
// included in it) and its CPU (INFO cpu) with its idle, sampled just before, taken out.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { PUBLISH_STREAM } from '../packages/server/src/engines/redis/scripts.js';
import { startBenchRedis, type BenchRedis } from './cluster-redis.ts';

const JSON_MESSAGE = JSON.stringify({ channel: '/bench/fanout', data: { seq: 1, sentAt: 1764900000000, text: 'x'.repeat(64) }, id: 'abcdef' });
const CHANNEL = '/bench/fanout';
const WINDOW_MS = 10_000;
const IDLE_MS = 3_000;

type Call = (redis: Redis, i: number) => Promise<unknown>;

/** Each form's set-up on a fresh server; returns the call made once per publish. */
const FORMS: Record<string, (redis: Redis) => Promise<Call>> = {
  'PUBLISH alone (the relay floor)': async () => (r) => r.publish('k:{c:/bench/fanout}:p', JSON_MESSAGE),
  'EVALSHA of `return 1`': async (r) => {
    const sha = String(await r.script('LOAD', 'return 1'));
    return (c) => c.evalsha(sha, 0);
  },
  'the engine\'s publish script': async (r) => {
    await r.sadd(`k:{ctl}:chan:${CHANNEL}`, 'a', 'b'); // two subscribed sessions: the stream gets the publish
    await r.script('LOAD', PUBLISH_STREAM.source);
    // KEYS: the control base and its '#'; ARGV as publishToStreams sends them on one Redis.
    return (c, i) => c.evalsha(PUBLISH_STREAM.sha, 2, 'k:{ctl}:', 'k:{ctl}:#', 'Pk:', 'n1', '', JSON_MESSAGE, `p${i}`, 'e1', 1000, CHANNEL, '/bench/*', '/bench/**', '/**');
  },
  'its seven commands in MULTI/EXEC': async () => (c, i) =>
    c.multi()
      .scard(`k:{ctl}:chan:${CHANNEL}`)
      .exists('k:{ctl}:lsn', 'k:{ctl}:chan:/bench/*', 'k:{ctl}:chan:/bench/**', 'k:{ctl}:chan:/**')
      .time()
      .hmget('k:{c:/bench/fanout}:m', 'e', 'o')
      .hincrby('k:{c:/bench/fanout}:m', 'o', 1)
      .xadd('k:{c:/bench/fanout}:x', 'MAXLEN', '~', '1000', `${i}-0`, 'd', JSON_MESSAGE, 'p', `p${i}`, 't', '1')
      .publish('k:{c:/bench/fanout}:p', JSON_MESSAGE)
      .exec(),
};

interface Figures { commandUs: number; cpuUs: number; idleMsPerS: number; received: number }

async function measure(server: BenchRedis, form: (redis: Redis) => Promise<Call>, perSec: number): Promise<Figures | undefined> {
  const options = { maxRetriesPerRequest: 1, connectTimeout: 2000 };
  const client = new Redis(server.url, options);
  const subscribers = [new Redis(server.url, options), new Redis(server.url, options)];
  let received = 0;
  try {
    for (const s of subscribers) {
      s.on('pmessage', () => void received++);
      await s.psubscribe('k:*:p');
    }
    const call = await form(client);
    await call(client, 0);
    await sleep(500);
    const idle0 = await server.cpuMicros();
    await sleep(IDLE_MS);
    const idle1 = await server.cpuMicros();
    const stats0 = await server.commandStats();
    const cpu0 = await server.cpuMicros();
    const count = Math.round((perSec * WINDOW_MS) / 1000);
    const t0 = performance.now();
    for (let i = 1; i <= count; i++) {
      await call(client, i);
      const wait = t0 + (i * 1000) / perSec - performance.now(); // a fixed schedule, as the bench's publisher
      if (wait > 0) await sleep(wait);
    }
    const cpu1 = await server.cpuMicros();
    const stats1 = await server.commandStats();
    const elapsedS = (performance.now() - t0) / 1000;
    if ([idle0, idle1, cpu0, cpu1, stats0, stats1].includes(undefined)) return undefined;
    const idlePerS = (idle1! - idle0!) / (IDLE_MS / 1000);
    // A script's and an EXEC's inner commands count inside its own time (and again in their own lines).
    const outer = stats1!.has('evalsha') ? ['evalsha'] : stats1!.has('exec') ? ['multi', 'exec'] : ['publish'];
    let commandUs = 0;
    for (const name of outer) commandUs += (stats1!.get(name)?.usec ?? 0) - (stats0!.get(name)?.usec ?? 0);
    return { commandUs: commandUs / count, cpuUs: (cpu1! - cpu0! - idlePerS * elapsedS) / count, idleMsPerS: idlePerS / 1000, received };
  } finally {
    for (const c of [client, ...subscribers]) c.disconnect();
  }
}

const rates = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const perSec of rates.length > 0 ? rates : [100, 10]) {
  console.log(`\n${perSec} publishes/s, ${WINDOW_MS / 1000} s each; µs per publish:`);
  console.log('form | Redis command time | Redis CPU above idle | idle CPU (ms/s)');
  for (const [name, form] of Object.entries(FORMS)) {
    const server = await startBenchRedis();
    try {
      if (!server.own) throw new Error('needs a redis-server binary: it measures a server of its own');
      const f = await measure(server, form, perSec);
      console.log(f ? `${name} | ${f.commandUs.toFixed(1)} | ${f.cpuUs.toFixed(1)} | ${f.idleMsPerS.toFixed(2)}` : `${name} | INFO did not answer`);
    } finally {
      server.stop();
    }
  }
}
process.exit(0);
