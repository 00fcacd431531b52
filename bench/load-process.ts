// The harness's handle on a load-generator child process (bench/load/load-worker.ts on CPU 1). A
// fresh one runs each job, so no socket or heap state carries over between servers or cases.
import type { ChildProcess } from 'node:child_process';
import type { FromLoad, LoadJob, LoadResult, ToLoad } from './ipc-messages.ts';
import { nextMessage, spawnPinned } from './pinned-child.ts';
import type { ServerProcess } from './server-process.ts';

export interface RunningLoad {
  result: Promise<LoadResult>;
  /** For the idle job: resolves once the sessions are open. */
  idleReady: Promise<{ sessions: number; failed: number }>;
  /** SIGKILL: all of its sockets close at once. */
  kill(): Promise<void>;
}

export interface LoadWorker {
  child: ChildProcess;
  fdLimit: number;
}

/**
 * Spawns a load generator (`script` under bench/, the cases' worker unless another is named) and
 * waits for its `ready`; done in parallel with the server's start-up to keep runs short.
 */
export async function spawnLoadWorker(script = 'load/load-worker.ts'): Promise<LoadWorker> {
  const child = spawnPinned(script, 1);
  try {
    const ready = await nextMessage<Extract<FromLoad, { type: 'ready' }>>(child, 'ready', 30_000);
    return { child, fdLimit: ready.fdLimit };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

export function startLoad(worker: LoadWorker, job: LoadJob, server: ServerProcess, log: (line: string) => void): RunningLoad {
  const { child } = worker;
  let detachListeners: () => void = () => {};
  let settleIdle: (v: { sessions: number; failed: number }) => void = () => {};
  const idleReady = new Promise<{ sessions: number; failed: number }>((resolve) => (settleIdle = resolve));
  const result = new Promise<LoadResult>((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const msg = raw as FromLoad;
      if (msg.type === 'server-stats') {
        // Relay: the load generator brackets its measuring window with the server's own CPU.
        void server.stats(msg.gc).then((stats) => {
          const reply: ToLoad = { type: 'server-stats', reqId: msg.reqId, stats };
          if (child.connected) child.send(reply);
        }, reject);
      } else if (msg.type === 'progress') log(`    ${msg.text}`);
      else if (msg.type === 'idle-ready') settleIdle({ sessions: msg.sessions, failed: msg.failed });
      else if (msg.type === 'result') resolve(msg.result);
      else if (msg.type === 'error') reject(new Error(msg.message));
    };
    const onExit = (code: number | null, signal: string | null): void => reject(new Error(`load generator exited (${String(code ?? signal)})`));
    child.on('message', onMessage);
    child.on('exit', onExit);
    // The worker may run another job next: this job's listeners go once it has settled.
    const detach = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    detachListeners = detach;
  });
  result.then(() => detachListeners(), () => detachListeners());
  result.catch(() => {}); // the idle job never produces a result; callers that care await it
  const message: ToLoad = { type: 'job', job };
  if (child.connected) child.send(message, (err) => err && detachListeners());
  else return { result: Promise.reject(new Error('load generator is gone')), idleReady: new Promise(() => {}), kill: async () => {} };
  return {
    result,
    idleReady,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
