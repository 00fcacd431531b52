// What a load job may ask of the load-worker process that runs it (and, through it, the harness).
import type { ServerStats } from '../ipc-messages.ts';

export interface LoadContext {
  /** The server's own CPU/RSS/sessions, fetched by the harness over IPC. */
  serverStats(gc?: boolean): Promise<ServerStats>;
  progress(text: string): void;
  idleReady(sessions: number, failed: number): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `open(i)` for i in [0, count) with at most `concurrency` in flight; returns successes. */
export async function openAll<T>(count: number, concurrency: number, open: (i: number) => Promise<T>, onFail: (err: Error) => void): Promise<T[]> {
  const opened: T[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      try {
        opened.push(await open(i));
      } catch (err) {
        onFail(err as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return opened;
}
