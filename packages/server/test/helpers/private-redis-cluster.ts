// A Redis Cluster of the test's own (issue 15: failover, a master's kill -9, resharding), never the
// shared one on 7000-7002 other tests use: redis-server child processes on free 127.0.0.1 ports,
// `redis-cli --cluster create`, files in a temporary directory. Every wait is bounded and says what
// it waited for; stop() kills every process it started and removes the directory.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateClusterOptions {
  /** Masters (at least 3: a failover needs a majority of masters). Default 3. */
  masters?: number;
  /** Replicas per master (0 or 1). Default 0. */
  replicas?: 0 | 1;
  /** cluster-node-timeout: how soon a silent master is failed over. Default 1000 ms. */
  nodeTimeoutMs?: number;
  /** cluster-require-full-coverage: whether the whole cluster refuses work while a slot is unserved. Default true (Redis's own). */
  fullCoverage?: boolean;
}

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** For a replica, its master's id. */
  masterId: string | undefined;
  /** Slot ranges served (masters). */
  slots: [number, number][];
}

export interface PrivateCluster {
  /** Every node's address, as RedisEngine's `cluster` seeds. */
  readonly seeds: { host: string; port: number }[];
  /** `redis-cli -p port args...`'s output (trimmed); rejects with its stderr. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The nodes as `port` sees them (CLUSTER NODES), failed ones left out. */
  nodes(port?: number): Promise<ClusterNodeInfo[]>;
  /** The master serving `key`'s slot, as a live node sees it. */
  ownerOf(key: string): Promise<ClusterNodeInfo>;
  /** kill -9 of one node: no shutdown, no save. */
  kill(port: number): void;
  /** SIGSTOP / SIGCONT of one node: frozen, it reads nothing (a replica then misses what its master writes). */
  freeze(port: number, frozen: boolean): void;
  /** Starts a killed node again on its port, with its cluster config (its id and slots) and no data. */
  restart(port: number): Promise<void>;
  /** Until every live node says cluster_state:ok and agrees on who serves every slot (bounded). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** `count` ports p whose cluster bus port p + 10000 is free too (Redis takes both). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (ports.some((p) => Math.abs(p - port) < 2)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`private Redis Cluster: found only ${ports.length} of ${count} free port pairs on ${HOST}`);
  return ports;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`private Redis Cluster: ${what} not within ${timeoutMs} ms${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
}

/** Parses CLUSTER NODES: `id addr@bus flags master ping pong epoch link slots...`. */
export function parseNodeTable(text: string): ClusterNodeInfo[] {
  const out: ClusterNodeInfo[] = [];
  for (const line of text.split('\n')) {
    const [id, addr, flags, master, , , , , ...slots] = line.trim().split(' ');
    if (!id || !addr || !flags || flags.includes('fail') || flags.includes('noaddr')) continue;
    const port = Number(/:(\d+)@/.exec(addr)?.[1]);
    const ranges = slots
      .filter((s) => !s.startsWith('['))
      .map((s) => s.split('-').map(Number) as [number, number?])
      .map(([from, to]): [number, number] => [from, to ?? from]);
    const replica = flags.includes('slave');
    out.push({ id, port, role: replica ? 'replica' : 'master', masterId: replica ? master : undefined, slots: ranges });
  }
  return out;
}

export async function startPrivateCluster(options: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'kuiper-private-cluster-'));
  const ports = await freePorts(masters * (1 + replicas));
  const children = new Map<number, ChildProcess>();

  const launch = (port: number): void => {
    const args = [
      '--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes',
      '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
      '--cluster-require-full-coverage', options.fullCoverage === false ? 'no' : 'yes',
      '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, `redis-${port}.log`),
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', () => {}); // a missing redis-server shows as the node never answering
    children.set(port, child);
  };
  const cli = async (port: number, ...args: string[]): Promise<string> => {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000 });
    return stdout.trim();
  };
  const stop = async (): Promise<void> => {
    for (const child of children.values()) child.kill('SIGKILL'); // a frozen (SIGSTOP) one too
    await Promise.all([...children.values()].map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    children.clear();
    rmSync(dir, { recursive: true, force: true });
  };
  const answers = (port: number) => until(`redis-server on port ${port} answering (see ${dir}/redis-${port}.log)`, 5000, async () => (await cli(port, 'PING')) === 'PONG');
  const live = (): number[] => [...children].filter(([, c]) => c.exitCode === null && c.signalCode === null).map(([p]) => p);

  const nodes = async (port = live()[0] ?? ports[0]!): Promise<ClusterNodeInfo[]> => parseNodeTable(await cli(port, 'CLUSTER', 'NODES'));
  const waitHealthy = async (timeoutMs = 15_000): Promise<void> => {
    await until('cluster_state:ok and one slot table on every live node', timeoutMs, async () => {
      const views: string[] = [];
      for (const port of live()) {
        if (!/cluster_state:ok/.test(await cli(port, 'CLUSTER', 'INFO'))) return false;
        const view = (await nodes(port)).filter((n) => n.role === 'master' && n.slots.length > 0);
        views.push(view.map((n) => `${n.port}=${JSON.stringify(n.slots)}`).sort().join(' '));
      }
      return new Set(views).size === 1;
    });
  };

  try {
    for (const port of ports) launch(port);
    for (const port of ports) await answers(port);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
    await waitHealthy();
    if (replicas > 0) {
      await until('every replica in sync with its master', 10_000, async () => {
        const all = await nodes();
        const reps = all.filter((n) => n.role === 'replica');
        if (reps.length !== masters * replicas) return false;
        for (const r of reps) if (!/master_link_status:up/.test(await cli(r.port, 'INFO', 'replication'))) return false;
        return true;
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    seeds: ports.map((port) => ({ host: HOST, port })),
    cli,
    nodes,
    async ownerOf(key) {
      const slot = Number(await cli(live()[0]!, 'CLUSTER', 'KEYSLOT', key));
      const owner = (await nodes()).find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
      if (!owner) throw new Error(`private Redis Cluster: no live master serves slot ${slot} (${key})`);
      return owner;
    },
    kill(port) {
      const child = children.get(port);
      if (!child) throw new Error(`private Redis Cluster: no node on port ${port}`);
      child.kill('SIGKILL');
    },
    freeze(port, frozen) {
      const child = children.get(port);
      if (!child) throw new Error(`private Redis Cluster: no node on port ${port}`);
      child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
    async restart(port) {
      const child = children.get(port);
      if (!child) throw new Error(`private Redis Cluster: no node on port ${port}`);
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      await until(`port ${port} free again`, 5000, () => portFree(port));
      launch(port);
      await answers(port);
    },
    waitHealthy,
    stop,
  };
}
