// `kuiper serve` exposes every limit as a flag and in a --config file (issue 15; SPEC: SERVE-*),
// tried as a user would: real `kuiper serve` processes on 127.0.0.1, a raw long-polling publisher.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { bayeux, exchange, immediateConnect, msgId, rawHandshake, replyTo } from '@kuiper/testkit';
import { runKuiper, serveKuiper, stopKuiperProcesses } from './helpers/kuiper-process.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from './helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'kuiper-cli-'));
afterEach(stopKuiperProcesses);
const prefixes: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const prefix of prefixes) await deletePrefix(prefix);
});

let files = 0;
function configFile(content: unknown): string {
  files += 1;
  const path = join(dir, `kuiper-${files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/**
 * One session publishes `batches` × 1000 messages over 500 channels, every batch sent at once.
 * 10,000 publishes are 8,000 past the default bucket (burst 2000): however slow the machine, they
 * arrive well within the 8 s the bucket would need to refill that much.
 */
async function flood(url: string, batches = 10): Promise<{ accepted: number; errors: Map<string, number> }> {
  const clientId = await rawHandshake(url);
  const batch = (b: number): unknown[] =>
    Array.from({ length: 1000 }, (_, i) => ({ channel: `/flood/${(b * 1000 + i) % 500}`, clientId, data: { i }, id: msgId() }));
  const replies = (await Promise.all(Array.from({ length: batches }, (_, b) => bayeux(url, batch(b))))).flat();
  const published = replies.filter((m) => m.channel?.startsWith('/flood/'));
  expect(published).toHaveLength(batches * 1000);
  const errors = new Map<string, number>();
  for (const m of published) if (m.successful !== true) errors.set(String(m.error), (errors.get(String(m.error)) ?? 0) + 1);
  return { accepted: published.filter((m) => m.successful === true).length, errors };
}

async function failure(args: string[]): Promise<{ code: number | null; err: string }> {
  return runKuiper(args).exited;
}

// Each test starts `kuiper serve` from source (a few seconds on a busy machine): generous bounds.
const SLOW = 60_000;

describe('kuiper serve: the rate limit', () => {
  it('[SERVE-4] [LIMIT-4] by default a session publishing past 1000/s (burst 2000) is refused with 429:1000:rate_limited', async () => {
    const { accepted, errors } = await flood(await serveKuiper([]));
    expect([...errors.keys()]).toEqual(['429:1000:rate_limited']);
    expect(accepted).toBeGreaterThanOrEqual(2000);
    expect(accepted).toBeLessThan(10_000);
  }, SLOW);

  it('[SERVE-4] --rate-limit raises it (the burst follows): nothing refused', async () => {
    const { accepted, errors } = await flood(await serveKuiper(['--rate-limit', '50000']));
    expect(errors.size).toBe(0);
    expect(accepted).toBe(10_000);
  }, SLOW);

  it('[SERVE-4] --no-rate-limit and --rate-limit 0 turn it off', async () => {
    for (const flags of [['--no-rate-limit'], ['--rate-limit', '0']]) {
      const { accepted } = await flood(await serveKuiper(flags));
      expect(accepted, flags.join(' ')).toBe(10_000);
    }
  }, SLOW);

  it('[SERVE-2] [SERVE-4] a config file raises it too ("rateLimit"), or turns it off ("rateLimit": false)', async () => {
    for (const config of [{ rateLimit: 50_000 }, { rateLimit: false }]) {
      const { accepted } = await flood(await serveKuiper(['--config', configFile(config)]));
      expect(accepted, JSON.stringify(config)).toBe(10_000);
    }
  }, SLOW);

  it('[SERVE-2] [SERVE-4] a flag overrides the file, and the refusal names the rate in force', async () => {
    const url = await serveKuiper(['--config', configFile({ rateLimit: 50_000 }), '--rate-limit', '10', '--rate-burst', '10']);
    const { accepted, errors } = await flood(url, 1);
    expect([...errors.keys()]).toEqual(['429:10:rate_limited']);
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(1000);
  }, SLOW);
});

describe('kuiper serve: every other limit reaches the server', () => {
  it('[SERVE-5] timing from the file and limits from flags show in the advice and the refusals', async () => {
    const config = configFile({ timeout: 1234, interval: 5, maxInterval: 4321, maxMessageBytes: '1KiB', maxSubscriptions: 5 });
    const url = await serveKuiper(['--config', config, '--max-subscriptions', '1']);
    const clientId = await rawHandshake(url);
    const connect = immediateConnect(clientId);
    expect(replyTo(await bayeux(url, [connect]), connect.id).advice).toMatchObject({ timeout: 1234, interval: 5, maxInterval: 4321 });
    expect((await exchange(url, { channel: '/meta/subscribe', clientId, subscription: '/a' })).successful).toBe(true);
    expect((await exchange(url, { channel: '/meta/subscribe', clientId, subscription: '/b' })).error).toBe('403:1:subscriptions_exceeded');
    expect((await exchange(url, { channel: '/a', clientId, data: 'x'.repeat(2000) })).error).toBe('413:1024:message_too_large');
    expect((await exchange(url, { channel: '/a', clientId, data: 'x'.repeat(500) })).successful).toBe(true);
  }, SLOW);

  it('[SERVE-5] --max-body-bytes refuses a larger HTTP body with 413', async () => {
    const url = await serveKuiper(['--max-body-bytes', '2KiB']);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ channel: '/x', data: 'y'.repeat(4096) }]) });
    expect(res.status).toBe(413);
  }, SLOW);

  it('[SERVE-5] --no-ack and --no-timesync leave the extensions out of the handshake', async () => {
    const handshake = { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], ext: { ack: true }, id: msgId() };
    const on = replyTo(await bayeux(await serveKuiper([]), [handshake]), handshake.id);
    expect(on.ext).toMatchObject({ ack: true });
    const off = replyTo(await bayeux(await serveKuiper(['--no-ack', '--no-timesync']), [handshake]), handshake.id);
    expect(off.ext?.['ack']).toBeUndefined();
  }, SLOW);
});

describe('kuiper serve: origins and the Redis engine', () => {
  it('[SERVE-5] --allowed-origins gives those origins CORS headers, and no others', async () => {
    const url = await serveKuiper(['--allowed-origins', 'https://app.example']);
    const handshake = (origin: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]) });
    expect((await handshake('https://app.example')).headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await handshake('https://elsewhere.example')).headers.get('access-control-allow-origin')).toBeNull();
  }, SLOW);

  it('[SERVE-6] --redis, --redis-prefix and --redis-history reach the Redis engine, from flags or from a config file', async () => {
    await requireRedis();
    const [fromFile, fromFlags] = [randomPrefix(), randomPrefix()];
    prefixes.push(fromFile, fromFlags);
    const small = ['--max-queue', '50']; // the engine keeps at least the queue bound
    const servers: [string, string][] = [
      [fromFile, await serveKuiper(['--config', configFile({ redis: REDIS_URL, redisPrefix: fromFile, redisHistory: 50 }), ...small])],
      [fromFlags, await serveKuiper(['--redis', REDIS_URL, '--redis-prefix', fromFlags, '--redis-history', '50', ...small])],
    ];
    const redis = new Redis(REDIS_URL);
    try {
      for (const [keys, url] of servers) {
        const subscriber = await rawHandshake(url);
        await bayeux(url, [immediateConnect(subscriber)]);
        expect((await exchange(url, { channel: '/meta/subscribe', clientId: subscriber, subscription: '/engine' })).successful).toBe(true);
        const publisher = await rawHandshake(url);
        const batch = Array.from({ length: 1000 }, (_, i) => ({ channel: '/engine', clientId: publisher, data: i, id: msgId() }));
        expect((await bayeux(url, batch)).filter((m) => m.channel === '/engine' && m.successful === true)).toHaveLength(1000);
        // The channel's history in Redis, under the prefix given, is trimmed near 50 entries, not
        // the default 1000 (MAXLEN ~ trims whole nodes of 100 entries, hence the margin).
        const names = await redis.keys(`${keys}*`);
        const lengths = await Promise.all(names.map(async (name) => ((await redis.type(name)) === 'stream' ? redis.xlen(name) : 0)));
        expect(Math.max(0, ...lengths), keys).toBeGreaterThan(0);
        expect(Math.max(0, ...lengths), keys).toBeLessThanOrEqual(300);
      }
    } finally {
      redis.disconnect();
    }
  }, SLOW);
});

describe('kuiper serve: bad settings', () => {
  it('[SERVE-3] a bad value in the config file exits 2 naming the key and what it expects', async () => {
    const { code, err } = await failure(['serve', '--config', configFile({ maxQueue: 'lots' })]);
    expect(code).toBe(2);
    expect(err).toContain('"maxQueue" must be a whole number ≥ 1, got "lots"');
    expect(err).not.toMatch(/\n\s+at /); // one line, no stack trace
  }, SLOW);

  it('[SERVE-3] an out-of-range value, an unknown key, a file that is not JSON: exit 2, each named', async () => {
    const cases: [unknown, string][] = [
      [{ port: 70000 }, '"port" must be a whole number from 0 to 65535, got 70000'],
      [{ overflow: 'sometimes' }, '"overflow" must be one of drop-oldest, disconnect, got "sometimes"'],
      [{ maxQueueBytes: '16 furlongs' }, '"maxQueueBytes" must be a size in bytes ≥ 1'],
      [{ ack: 'yes' }, '"ack" must be true or false, got "yes"'],
      [{ maxQueus: 10 }, 'unknown key "maxQueus" (did you mean "maxQueue"?)'],
      ['{ "rateLimit": 5000, }', 'cannot read it as JSON'],
      [[1, 2], 'must be a JSON object of settings'],
    ];
    const results = await Promise.all(cases.map(([content]) => failure(['serve', '--config', configFile(content)])));
    cases.forEach(([content, message], i) => {
      expect(results[i]?.code, JSON.stringify(content)).toBe(2);
      expect(results[i]?.err, JSON.stringify(content)).toContain(message);
    });
  }, SLOW);

  it('[SERVE-3] [SERVE-8] bad flags exit 2 naming the flag: a bad value, an unknown flag, a missing file, a contradiction', async () => {
    const cases: [string[], string][] = [
      [['--rate-limit', 'fast'], '--rate-limit must be a whole number ≥ 0, got "fast"'],
      [['--transports', 'websocket,pigeon'], '--transports must be a comma-separated list of connection types'],
      [['--max-queu', '5'], 'unknown flag --max-queu'],
      [['--config', join(dir, 'missing.json')], `--config ${join(dir, 'missing.json')}: cannot read it`],
      [['--ack', '--no-ack'], '--ack and --no-ack contradict each other'],
      [['--redis-prefix', 'x:'], '--redis-prefix needs --redis'],
      [['--redis-history', '10'], '--redis-history needs --redis'],
      [['--max-room-asset-bytes', '1MiB'], '--max-room-asset-bytes needs --collab'],
      [['--keep-unused-assets-days', '3'], '--keep-unused-assets-days needs --collab'],
      [['--version-every-minutes', '5'], '--version-every-minutes needs --collab'],
      [['--versions-kept', '5'], '--versions-kept needs --collab'],
      [['--collab', '--versions-kept', '0'], '--versions-kept must be'],
      [['--collab', '--max-room-version-bytes', 'lots'], '--max-room-version-bytes must be a size in bytes'],
      [['--collab', '--max-asset-bytes', 'lots'], '--max-asset-bytes must be a size in bytes'],
      [['--redis-cluster', 'localhost'], '--redis-cluster must be a comma-separated list of host:port seed nodes'],
      [['--redis-cluster', '127.0.0.1:7000,127.0.0.1:99999'], '--redis-cluster must be a comma-separated list of host:port seed nodes'],
    ];
    const results = await Promise.all(cases.map(([flags]) => failure(['serve', ...flags])));
    cases.forEach(([flags, message], i) => {
      expect(results[i]?.code, flags.join(' ')).toBe(2);
      expect(results[i]?.err, flags.join(' ')).toContain(message);
    });
  }, SLOW);
});

describe('kuiper serve --help', () => {
  it('[SERVE-1] lists every limit and timing setting with its default and unit', async () => {
    const { code, out } = await runKuiper(['serve', '--help']).exited;
    expect(code).toBe(0);
    const expected: [string, string][] = [
      ['--rate-limit N/s', '(default 1000)'],
      ['--rate-burst N', '(default 2 × --rate-limit (2000))'],
      ['--max-body-bytes bytes', '(default 1 MiB)'],
      ['--max-message-bytes bytes', '(default 256 KiB)'],
      ['--max-subscriptions N', '(default 1000)'],
      ['--max-sessions-per-connection N', '(default 4)'],
      ['--max-queue N', '(default 10000)'],
      ['--max-queue-bytes bytes', '(default 16 MiB)'],
      ['--overflow policy', '(default drop-oldest)'],
      ['--ws-high-water-bytes bytes', '(default 4 MiB)'],
      ['--timeout ms', '(default 30000 ms)'],
      ['--interval ms', '(default 0 ms)'],
      ['--max-interval ms', '(default 10000 ms)'],
      ['--sweep-interval ms', '(default 1000 ms)'],
      ['--batch-delay ms', '(default 10 ms)'],
      ['--poll-pacing ms', '(default 100 ms)'],
      ['--stream-keep-alive ms', '(default 15000 ms)'],
      ['--[no-]ack', '(default on)'],
      ['--[no-]timesync', '(default on)'],
      ['--config FILE', ''],
      ['--no-rate-limit', 'the same as --rate-limit 0'],
    ];
    for (const [flag, shown] of expected) {
      const line = out.split('\n').find((l) => l.includes(flag));
      expect(line, flag).toBeDefined();
      expect(line, flag).toContain(shown);
    }
  }, SLOW);
});
