// A script run in a child process (TypeScript from source, with --expose-gc) that a memory test
// talks to over IPC: the child's heap holds the server's sessions only, not the test's sockets.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanup } from '@kuiper/testkit';

export interface ChildLink {
  /** The child's next IPC message; rejects if the child exits first (a crash fails the test, never hangs it). */
  next<T>(): Promise<T>;
  /** Sends `question` and waits for the answer. */
  ask<T>(question: string): Promise<T>;
}

/** Forks `script` (killed when the test ends). */
export function forkChild(script: URL, args: readonly string[] = []): ChildLink {
  const child = fork(fileURLToPath(script), [...args], {
    execArgv: ['--conditions=source', '--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  cleanup.add(() => {
    child.kill('SIGKILL');
  });
  const next = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        child.off('exit', onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`${fileURLToPath(script)} exited with ${String(code)}`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    next,
    ask: <T>(question: string): Promise<T> => {
      const answer = next<T>();
      child.send(question);
      return answer;
    },
  };
}

/** A child server that says `{port}` once listening and answers `heap` with `H`. */
export async function heapChild<H>(script: URL, args: readonly string[] = []): Promise<{ wsUrl: string; heap: () => Promise<H> }> {
  const child = forkChild(script, args);
  const { port } = await child.next<{ port: number }>();
  return { wsUrl: `ws://127.0.0.1:${port}/bayeux`, heap: () => child.ask<H>('heap') };
}
