// The cluster section's scaling table, on paper: how many nodes and Redis shards 1M WebSocket
// connections and 500k deliveries/s would take, worked out from this report's measured figures
// (the cluster case at 1,000 subscribers per channel for CPU, the cluster cases' equal-rate window
// for memory per session on the nodes and in Redis), next to Centrifugo's published setup. Every
// step of the arithmetic is printed.
import type { ServerKind } from '../ipc-messages.ts';
import type { BenchReport } from '../run.ts';
import { fmtFigure, metricGetter } from './evaluate-targets.ts';

const CONNECTIONS = 1_000_000;
const DELIVERIES_PER_SEC = 500_000;
/** A node process's (and a Redis shard's) memory for its sessions: an assumption of this table, not a measurement. */
const NODE_MEMORY_GIB = 4;
/** Where memory per session is read, the largest first: more sessions, less noise per session. */
const MEMORY_CASES = ['cluster-large', 'cluster-medium', 'cluster-small'] as const;
/** Where Centrifugo's figures come from. */
export const CENTRIFUGO_SOURCE = 'https://centrifugal.dev/blog/2020/02/10/million-connections-with-centrifugo';

const NAMES: Partial<Record<ServerKind, string>> = { kuiper: 'Kuiper', faye: 'Faye + faye-redis' };
const n = (v: number): string => v.toLocaleString('en-US');
const bytes = (v: number | undefined): string => (v === undefined ? fmtFigure(v, 0) : n(Math.round(v)));

export function scalingSection(report: BenchReport): string[] {
  const get = metricGetter(report);
  const c = 'cluster-medium';
  const subscribers = get(c, 'kuiper', 'subscribers') ?? get(c, 'faye', 'subscribers');
  if (subscribers === undefined) return [];
  const rows: string[] = [];
  const work: string[] = [];
  for (const server of ['kuiper', 'faye'] as const) {
    const node = get(c, server, 'serverCpuUsPerMsg');
    const redis = get(c, server, 'redisCpuUsPerMsg');
    // Sessions on nodes sharing Redis, as the table's setup is: the engine's own bookkeeping is
    // counted (the idle-sessions case measures one node on the memory engine).
    const memoryCase = MEMORY_CASES.find((m) => get(m, server, 'eqNodeKibPerSession') !== undefined);
    const kib = memoryCase === undefined ? get('idle-prune', server, 'kibPerSession') : get(memoryCase, server, 'eqNodeKibPerSession');
    const redisBytes = memoryCase === undefined ? undefined : get(memoryCase, server, 'eqRedisBytesPerSession');
    const redisMemShards = redisBytes === undefined ? undefined : (CONNECTIONS * redisBytes) / (NODE_MEMORY_GIB * 1024 ** 3);
    // A node is one Node.js process: one core at most, counted at 100% busy (no headroom), so the
    // counts are lower bounds.
    const nodeCores = node === undefined ? undefined : (DELIVERIES_PER_SEC * node) / 1e6;
    const memNodes = kib === undefined ? undefined : (CONNECTIONS * kib) / (NODE_MEMORY_GIB * 1024 * 1024);
    const redisCores = redis === undefined ? undefined : (DELIVERIES_PER_SEC * redis) / 1e6;
    const up = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.max(1, Math.ceil(v)));
    const nodes = nodeCores === undefined ? undefined : Math.max(up(nodeCores) ?? 1, up(memNodes) ?? 1);
    const name = NAMES[server] ?? server;
    const shards = redisCores === undefined ? undefined : Math.max(up(redisCores) ?? 1, up(redisMemShards) ?? 1);
    rows.push(`| ${name} (this run) | ${fmtFigure(node, 2)} µs | ${fmtFigure(redis, 3)} µs | ${fmtFigure(kib, 1)} KiB | ${bytes(redisBytes)} B | ${fmtFigure(up(nodeCores), 0)} | ${fmtFigure(up(memNodes), 0)} | **${fmtFigure(nodes, 0)}** | **${fmtFigure(shards, 0)}** |`);
    work.push(
      `- ${name}: deliveries ${n(DELIVERIES_PER_SEC)}/s × ${fmtFigure(node, 2)} µs = ${fmtFigure(nodeCores, 2)} cores of node CPU → ${fmtFigure(up(nodeCores), 0)} nodes; ` +
        `${n(CONNECTIONS)} sessions × ${fmtFigure(kib, 1)} KiB = ${fmtFigure(memNodes === undefined ? undefined : memNodes * NODE_MEMORY_GIB, 1)} GiB ÷ ${NODE_MEMORY_GIB} GiB per node → ${fmtFigure(up(memNodes), 0)} nodes; ` +
        `Redis ${n(DELIVERIES_PER_SEC)}/s × ${fmtFigure(redis, 3)} µs = ${fmtFigure(redisCores, 2)} cores → ${fmtFigure(up(redisCores), 0)} single-threaded Redis shards; ` +
        `${n(CONNECTIONS)} sessions × ${bytes(redisBytes)} B = ${fmtFigure(redisMemShards === undefined ? undefined : redisMemShards * NODE_MEMORY_GIB, 2)} GiB in Redis ÷ ${NODE_MEMORY_GIB} GiB per shard → ${fmtFigure(up(redisMemShards), 0)} shards` +
        (memoryCase === undefined ? ' (memory per session on the nodes: the idle-sessions case, one node on the memory engine).' : ` (memory per session from ${memoryCase}'s equal-rate window).`),
    );
  }
  return [
    '',
    `### Scaling on paper: ${n(CONNECTIONS)} connections and ${n(DELIVERIES_PER_SEC)} deliveries/s`,
    '',
    `Per delivered message, from the cluster case at ${n(subscribers)} subscribers per channel (node CPU is both nodes summed, so it includes relaying through Redis); memory per session from the cluster cases' equal-rate window at the most subscribers measured: connected, subscribed and idle, on the two nodes (RSS after forced collections, both summed) and in Redis (its data, INFO used_memory), before and after the subscribers connect. A node is one Node.js process, which uses one core at most: each node and each Redis shard is counted at 100% of its core, no headroom, so the counts are floors. ${NODE_MEMORY_GIB} GiB of memory per node, and per Redis shard, for the sessions is this table's assumption. Nodes needed = the larger of the two node counts; Redis shards = the larger of the CPU and memory counts.`,
    '',
    '| setup | node CPU / delivery | Redis CPU / delivery | node RSS / session | Redis memory / session | nodes for the deliveries | nodes for the sessions | nodes | Redis shards |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| Centrifugo, published ([blog, 2020](${CENTRIFUGO_SOURCE})) | – | – | – | – | – | – | **20 pods** | **5** (1 CPU each) |`,
    '',
    ...work,
    `- Centrifugo's setup: 20 server pods and 5 Redis instances (each using at most one CPU) for 1M WebSocket connections, each subscribed to a personal channel and a group channel of 10 subscribers, 28M messages a minute (about 500k/s) delivered with p99 under 200 ms, on Xeon E5-2640 v4 machines; 100 load pods generated the connections. Its fan-out is 10 per group channel, this table's ${n(subscribers)}: where Redis's work is per publish, a smaller fan-out costs Redis more per delivery.`,
  ];
}
