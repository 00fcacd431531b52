// The harness's handle on one server child process (bench/servers/<kind>.ts on CPU 0).
import type { ChildProcess } from 'node:child_process';
import type { FromServer, ServerKind, ServerStats, ToServer } from './ipc-messages.ts';
import { nextMessage, spawnPinned } from './pinned-child.ts';
import { procStats } from './proc-stats.ts';

/** How long a stats request waits for the server itself before /proc is read instead. */
const IPC_PATIENCE_MS = 2_000;

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  /** two-node: the second node's URL (`url` is node A's, where the publisher goes). */
  peerUrl?: string;
  fdLimit: number;
  stats(gc?: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
  /** SIGKILL, for the harness's own cleanup. */
  kill(): void;
}

/** Where a node of the two-node case keeps its shared state: a Redis URL and a key prefix. */
export interface SharedState {
  redisUrl: string;
  prefix: string;
}

/**
 * `script`: bench/servers/<script>.ts, the kind's own unless a case needs another (kuiper-collab).
 * `v8Flags`: a case's own V8 settings, the same for every server (the idle case's, `IDLE_V8_FLAGS`).
 */
export async function startServer(kind: ServerKind, profileDir?: string, shared?: SharedState, script: string = kind, v8Flags: readonly string[] = []): Promise<ServerProcess> {
  // --expose-gc only so the idle-memory case can sample RSS after a full GC on every server alike.
  const flags = ['--expose-gc', ...v8Flags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${kind}`] : [])];
  // Arguments rather than environment variables, so nothing in the harness's own environment can
  // put a single-server case on Redis.
  const child: ChildProcess = spawnPinned(`servers/${script}.ts`, 0, flags, shared ? [shared.redisUrl, shared.prefix] : []);
  const listening = await nextMessage<Extract<FromServer, { type: 'listening' }>>(child, 'listening', 30_000);
  let nextReq = 0;
  let lastSessions = 0;
  const send = (msg: ToServer): void => {
    child.send(msg);
  };
  return {
    kind,
    url: listening.url,
    fdLimit: listening.fdLimit,
    async stats(gc = false) {
      const reqId = ++nextReq;
      const reply = nextMessage<Extract<FromServer, { type: 'stats' }>>(child, 'stats', gc ? 60_000 : IPC_PATIENCE_MS, (m) => m.reqId === reqId);
      send({ type: 'stats', reqId, gc });
      try {
        const stats = (await reply).stats;
        lastSessions = stats.sessions;
        return stats;
      } catch (err) {
        // Too busy to answer (or gone): read the kernel's counters for it instead.
        const proc = child.pid === undefined || gc ? undefined : procStats(child.pid);
        if (!proc) throw err;
        return { ...proc, heapUsed: Number.NaN, sessions: lastSessions, source: 'proc' as const };
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
