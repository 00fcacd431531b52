// Spawns the benchmark's child processes: each under `taskset -c <cpu>` when taskset exists (server
// on CPU 0, load generator on CPU 1, so neither steals the other's core) and with the open-files
// limit raised for 5,000+ sockets. Every child is tracked and killed when the harness exits.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();

let tasksetAvailable: boolean | undefined;
export function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Starts `node --import tsx <script> [args]` (script relative to bench/) with an IPC channel. */
export function spawnPinned(script: string, cpu: number, nodeFlags: string[] = [], args: string[] = []): ChildProcess {
  const node = [process.execPath, ...nodeFlags, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args];
  const pinned = hasTaskset() ? ['taskset', '-c', String(cpu), ...node] : node;
  // Raise the soft fd limit to 65536, or as far as the hard limit allows.
  const shell = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const child = spawn('bash', ['-c', shell, 'bench-child', ...pinned], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, KUIPER_LOG: process.env.KUIPER_LOG ?? 'silent' },
  });
  // IPC send errors (a child that just died) surface as the run's error, never as a crash.
  child.on('error', () => {});
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export function killAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

let installed = false;
/** Makes sure no server or load generator outlives the harness, however it ends. */
export function killChildrenOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
}

/** Resolves with the first IPC message of the given type, or rejects when the child dies first. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number, match: (msg: T) => boolean = () => true): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (msg: unknown): void => {
      if ((msg as { type?: string }).type !== type || !match(msg as T)) return;
      cleanup();
      resolve(msg as T);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child exited (${String(code)}) before sending '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no '${type}' from child within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
