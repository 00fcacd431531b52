/**
 * The built demo as its users run it: `scripts/build.mjs` once (a stamp skips it when nothing
 * changed; a lock makes parallel test files share one build), then `server/main.ts` in a process of
 * its own on port 0 — so a test can kill it abruptly or restart it on the same port and data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_DIR = fileURLToPath(new URL('../../', import.meta.url));

let built: Promise<void> | undefined;

/** Builds the packages' dist and the Next app if they are not up to date (one to three minutes). */
export function buildDemo(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: DEMO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`demo build failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
  return built;
}

export interface DemoProcess {
  readonly origin: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Ends the process (SIGTERM: it closes Kuiper and its store first) and waits for it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface DemoOptions {
  port?: number;
  dataDir?: string;
  env?: Record<string, string>;
}

/** A fresh data folder, removed by `removeDataDir`. */
export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'kuiper-demo-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function startDemo(options: DemoOptions = {}): Promise<DemoProcess> {
  const dataDir = options.dataDir ?? newDataDir();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: DEMO_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(options.port ?? 0), HOST: '127.0.0.1', KUIPER_DATA: dataDir, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise<DemoProcess>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`the demo did not start within 60 s:\n${output}`));
    }, 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:(\d+))/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', read);
      child.stdout?.on('data', (more: Buffer) => (output += more.toString()));
      resolve({ origin: match[1]!, port: Number(match[2]), dataDir, child, output: () => output, stop });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before listening:\n${output}`));
    });
  });
}
