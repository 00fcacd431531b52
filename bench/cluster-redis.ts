// The Redis the cluster cases run on: a redis-server of their own on 127.0.0.1 (a free port, no
// persistence), so its CPU per delivered message counts this bench's work only, never another
// client of a shared Redis; FLUSHALL before each run gives every run an empty key space. Without a
// redis-server binary the cases fall back to the shared Redis at REDIS_URL (a key prefix per run,
// as the two-node case does), and the report says its CPU may include other clients' work.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { REDIS_URL, redisProblem, shownUrl } from './redis-admin.ts';

export interface BenchRedis {
  url: string;
  /** true: a redis-server started for the bench; false: the shared one at REDIS_URL. */
  own: boolean;
  /** Empties the key space between runs (own server only; the shared one relies on prefixes). */
  flush(): Promise<void>;
  /**
   * redis-server's cumulative CPU (µs) from its own INFO (getrusage, µs resolution, where /proc
   * counts 10 ms ticks: too coarse for fractions of a µs per delivery); undefined if it fails.
   */
  cpuMicros(): Promise<number | undefined>;
  /** Per command: calls and µs spent so far (INFO commandstats), to tell where Redis's CPU goes. */
  commandStats(): Promise<CommandStats | undefined>;
  /** Bytes Redis holds for data (INFO memory used_memory), to tell its memory per session; undefined if it fails. */
  usedMemory(): Promise<number | undefined>;
  /**
   * Logs every command from now on (SLOWLOG with threshold 0 and room for `maxLen` entries) and
   * returns the call that reads the log and puts both settings back; undefined on the shared
   * Redis, whose settings and log are not the bench's to change.
   */
  logEveryCommand(maxLen: number): Promise<(() => Promise<SlowlogEntry[]>) | undefined>;
  stop(): void;
}

/** One SLOWLOG entry; `client` is '?:0' for a command a script ran (counted inside the script's own entry too). */
export interface SlowlogEntry {
  id: number;
  micros: number;
  args: string[];
  client: string;
  name: string;
}

/** The harness's own connection's name: its INFO and CONFIG calls are left out of what Redis ran for the nodes. */
export const ADMIN_CLIENT_NAME = 'kuiper-bench-admin';

export type CommandStats = Map<string, { calls: number; usec: number }>;

/** The commands Redis ran between two snapshots, most CPU first. */
export function commandsBetween(before: CommandStats, after: CommandStats): Array<{ command: string; calls: number; usec: number }> {
  return [...after]
    .map(([command, a]) => ({ command, calls: a.calls - (before.get(command)?.calls ?? 0), usec: a.usec - (before.get(command)?.usec ?? 0) }))
    .filter((c) => c.calls > 0)
    .sort((x, y) => y.usec - x.usec);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a redis-server binary is on PATH (the cluster cases start their own). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** One connection for the harness's FLUSHALL and INFO, opened on first use. */
function admin(url: string): Omit<BenchRedis, 'url' | 'own' | 'stop'> & { close(): void } {
  let redis: Redis | undefined;
  const connection = (): Redis => {
    if (redis === undefined) {
      redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, connectionName: ADMIN_CLIENT_NAME });
      redis.on('error', () => {});
    }
    return redis;
  };
  return {
    async flush() {
      await connection().flushall();
    },
    async cpuMicros() {
      try {
        const info = await connection().info('cpu');
        const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
        const seconds = field('used_cpu_sys') + field('used_cpu_user');
        return Number.isFinite(seconds) ? Math.round(seconds * 1e6) : undefined;
      } catch {
        return undefined;
      }
    },
    async commandStats() {
      try {
        const info = await connection().info('commandstats');
        const stats: CommandStats = new Map();
        for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) stats.set(m[1] ?? '?', { calls: Number(m[2]), usec: Number(m[3]) });
        return stats;
      } catch {
        return undefined;
      }
    },
    async usedMemory() {
      try {
        const value = Number(/^used_memory:(\d+)/m.exec(await connection().info('memory'))?.[1]);
        return Number.isFinite(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    async logEveryCommand(maxLen) {
      const r = connection();
      const setting = async (name: string): Promise<string> => String(((await r.config('GET', name)) as string[])[1]);
      const before = { threshold: await setting('slowlog-log-slower-than'), maxLen: await setting('slowlog-max-len') };
      await r.config('SET', 'slowlog-max-len', String(maxLen));
      await r.slowlog('RESET');
      await r.config('SET', 'slowlog-log-slower-than', '0');
      return async () => {
        try {
          const raw = (await r.slowlog('GET', maxLen)) as unknown[][];
          return raw.map((e) => ({ id: Number(e[0]), micros: Number(e[2]), args: (e[3] as unknown[]).map(String), client: String(e[4] ?? ''), name: String(e[5] ?? '') }));
        } finally {
          await r.config('SET', 'slowlog-log-slower-than', before.threshold);
          await r.config('SET', 'slowlog-max-len', before.maxLen);
          await r.slowlog('RESET');
        }
      };
    },
    close() {
      redis?.disconnect();
    },
  };
}

/** Starts the bench's own redis-server, or falls back to REDIS_URL; throws with the reason when neither answers. */
export async function startBenchRedis(): Promise<BenchRedis> {
  if (!hasRedisServer()) {
    const problem = await redisProblem(REDIS_URL);
    if (problem !== undefined) throw new Error(`no redis-server binary, and no Redis answered at ${shownUrl(REDIS_URL)} (${problem})`);
    const shared = admin(REDIS_URL);
    return { url: REDIS_URL, own: false, flush: async () => {}, cpuMicros: () => shared.cpuMicros(), commandStats: () => shared.commandStats(), usedMemory: () => shared.usedMemory(), logEveryCommand: async () => undefined, stop: () => shared.close() };
  }
  const port = await freePort();
  // The title "redis-server 127.0.0.1:<port>" is how redisServerPid finds it to read its CPU.
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
  child.on('error', () => {});
  const url = `redis://127.0.0.1:${port}`;
  const own = admin(url);
  const stop = (): void => {
    own.close();
    child.kill('SIGKILL');
  };
  process.once('exit', stop);
  for (let waited = 0; waited < 5000; waited += 100) {
    if (child.exitCode !== null) break;
    if ((await redisProblem(url)) === undefined) return { url, own: true, flush: () => own.flush(), cpuMicros: () => own.cpuMicros(), commandStats: () => own.commandStats(), usedMemory: () => own.usedMemory(), logEveryCommand: (n) => own.logEveryCommand(n), stop };
    await sleep(100);
  }
  stop();
  throw new Error(`redis-server on 127.0.0.1:${port} did not answer within 5 s`);
}
