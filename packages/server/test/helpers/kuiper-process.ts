// `kuiper serve` as a user runs it: a child process of bin/kuiper.js on the source (KUIPER_FROM_SOURCE,
// so a stale dist/ is never what gets tested), silent, killed after each test by `stopKuiperProcesses`.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KUIPER_BIN = fileURLToPath(new URL('../../bin/kuiper.js', import.meta.url));

export interface KuiperProcess {
  child: ChildProcess;
  /** The URL from its "kuiper listening on …" line; rejects if it exits first. */
  listening: Promise<string>;
  /** Its exit code and everything it wrote, once it has exited. */
  exited: Promise<{ code: number | null; out: string; err: string }>;
  /** What it wrote to stdout so far. */
  out(): string;
}

const running = new Set<ChildProcess>();

export function runKuiper(args: string[], env: NodeJS.ProcessEnv = {}): KuiperProcess {
  const child = spawn(process.execPath, [KUIPER_BIN, ...args], {
    env: { ...process.env, KUIPER_LOG: 'silent', KUIPER_FROM_SOURCE: '1', ...env },
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve({ code, out, err });
    }),
  );
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const m = /kuiper listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(({ code }) => reject(new Error(`kuiper exited ${code} before listening: ${out}${err}`)));
  });
  listening.catch(() => {}); // a test that expects the exit does not wait for this
  return { child, listening, exited, out: () => out };
}

/** `kuiper serve <args>` on 127.0.0.1 and a free port; resolves with its URL. */
export function serveKuiper(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return runKuiper(['serve', '--port', '0', '--host', '127.0.0.1', ...args], env).listening;
}

/** Ends every process this file started and waits until each has exited. */
export async function stopKuiperProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}
