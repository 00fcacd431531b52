// Servers in child processes, for tests that kill -9 them: no close, no final snapshot.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from '@kuiper/testkit';

const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

/** Runs a script of test/helpers with `args`; resolves with the URL it prints once it listens. */
export function startServerProcess(script: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const file = fileURLToPath(new URL(`../helpers/${script}`, import.meta.url));
  // The source condition: workspace packages resolve to src/, as in the tests (a clone has no dist/).
  const child = spawn(process.execPath, ['--conditions', 'source', '--import', 'tsx', file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^url (\S+)$/m.exec(out)?.[1];
      if (url) done({ url, child });
    });
    child.on('exit', (code, signal) => fail(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

/** SIGKILLs `child`; a child that had already exited by itself fails the wait (its 'exit' is past). */
export const killed = (child: ChildProcess): Promise<void> =>
  new Promise((done, fail) => {
    if (child.exitCode !== null || child.signalCode !== null) return fail(new Error(`the server had already exited (${child.exitCode ?? child.signalCode}) before the kill`));
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

export const BIN = fileURLToPath(new URL('../../../server/bin/kuiper.js', import.meta.url));

/** Starts `kuiper serve` with `args`; resolves with its URL and the line it printed. */
export function serve(args: string[], env: Record<string, string> = {}): Promise<{ url: string; line: string; child: ChildProcess }> {
  // KUIPER_FROM_SOURCE: the code under test, even where a bench or `npm run build` left a dist/ behind.
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, KUIPER_FROM_SOURCE: '1' } });
  onCleanup(() => void child.kill('SIGKILL'));
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^kuiper listening on (\S+).*$/m.exec(out);
      if (m?.[1]) done({ url: m[1], line: m[0], child });
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
  });
}
