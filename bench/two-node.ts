// The two-node case's servers: two processes of one server kind, both pinned to CPU 0 like every
// single server (the load generator keeps CPU 1; Redis runs unpinned), sharing state through Redis
// under a key prefix of their own. The harness sees them as one ServerProcess whose CPU is the sum
// of both nodes, with redis-server's own CPU alongside when it runs on this machine.
import { randomBytes } from 'node:crypto';
import type { ServerKind, ServerStats } from './ipc-messages.ts';
import { type LoadWorker, spawnLoadWorker } from './load-process.ts';
import { procStats } from './proc-stats.ts';
import { deleteKeys, redisServerPid } from './redis-admin.ts';
import type { Spawned } from './run-case.ts';
import { type ServerProcess, startServer } from './server-process.ts';

/** Never pooled: every run gets a fresh pair and a fresh prefix (the load worker may be reused). */
export function spawnTwoNode(kind: ServerKind, redisUrl: string, profileDir: string | undefined, worker?: Promise<LoadWorker>): Spawned {
  const spawned = { server: startPair(kind, redisUrl, profileDir), worker: worker ?? spawnLoadWorker() };
  // Awaited in runCase; a failure there is reported as that run's error.
  spawned.server.catch(() => {});
  spawned.worker.catch(() => {});
  return spawned;
}

async function startPair(kind: ServerKind, redisUrl: string, profileDir: string | undefined): Promise<ServerProcess> {
  // A prefix (Kuiper) or namespace (faye-redis) no other run shares, so no run ever sees another's
  // sessions or queues; both servers' keys start with it, so it is also what cleanup deletes.
  const prefix = `kuiper-bench-${process.pid}-${randomBytes(4).toString('hex')}:`;
  const shared = { redisUrl, prefix };
  const cleanup = (): Promise<void> => deleteKeys(redisUrl, prefix).then(() => undefined, () => undefined);
  const started = await Promise.allSettled([startServer(kind, profileDir, shared), startServer(kind, profileDir, shared)]);
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const [a, b] = nodes;
  if (a === undefined || b === undefined) {
    await Promise.all(nodes.map((n) => n.stop()));
    await cleanup();
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    throw failed?.reason instanceof Error ? failed.reason : new Error(String(failed?.reason));
  }
  const redisPid = redisServerPid(redisUrl);
  return {
    kind,
    url: a.url,
    peerUrl: b.url,
    fdLimit: Math.min(a.fdLimit, b.fdLimit),
    async stats(gc = false): Promise<ServerStats> {
      const [x, y] = await Promise.all([a.stats(gc), b.stats(gc)]);
      const redisCpuMicros = redisPid === undefined ? undefined : procStats(redisPid)?.cpuMicros;
      return {
        cpuMicros: x.cpuMicros + y.cpuMicros,
        nodeACpuMicros: x.cpuMicros,
        rss: x.rss + y.rss,
        heapUsed: x.heapUsed + y.heapUsed,
        // Not used by the case: Kuiper nodes each count every shared session, Faye nodes their own.
        sessions: Math.max(x.sessions, y.sessions),
        ...(x.source === 'proc' || y.source === 'proc' ? { source: 'proc' as const } : {}),
        ...(redisCpuMicros === undefined ? {} : { redisCpuMicros }),
      };
    },
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await cleanup();
    },
    kill() {
      a.kill();
      b.kill();
    },
  };
}
