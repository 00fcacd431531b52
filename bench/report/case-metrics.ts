// What each case's table shows: rows (metric key, label, unit, precision) and the case's title,
// which names the load actually used (the quick run's numbers differ from the default run's).
import { type CaseName, isClusterCase, type Sizes } from '../bench-options.ts';

export interface MetricRow {
  key: string;
  label: string;
  /** Digits after the point. */
  digits: number;
  /** Percent rendering for 0..1 shares. */
  percent?: boolean;
}

const THROUGHPUT: MetricRow[] = [
  { key: 'deliveredPerSec', label: 'delivered messages/s', digits: 0 },
  { key: 'publishedPerSec', label: 'publishes/s', digits: 0 },
  { key: 'serverCpuUsPerMsg', label: 'server CPU µs / delivered message', digits: 2 },
  { key: 'serverCpuShare', label: 'server process CPU (of one core)', digits: 0, percent: true },
  { key: 'deliveriesPerFrame', label: 'messages per frame (or per long-polling response)', digits: 1 },
  { key: 'p50Ms', label: 'latency p50 (ms)', digits: 1 },
  { key: 'p99Ms', label: 'latency p99 (ms)', digits: 1 },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
  { key: 'cpu0Busy', label: 'CPU 0 busy, incl. softirq (server core)', digits: 0, percent: true },
  { key: 'cpu1Busy', label: 'CPU 1 busy (load-generator core)', digits: 0, percent: true },
  { key: 'otherCpuShare', label: 'other processes’ CPU (noise; of one core)', digits: 0, percent: true },
];

const LATENCY: MetricRow[] = [
  { key: 'deliveredPerSec', label: 'delivered messages/s', digits: 0 },
  { key: 'p50Ms', label: 'latency p50 (ms)', digits: 1 },
  { key: 'p99Ms', label: 'latency p99 (ms)', digits: 1 },
  { key: 'maxMs', label: 'latency max (ms)', digits: 1 },
  { key: 'p99FirstHalfMs', label: 'p99, first half of the run (ms)', digits: 1 },
  { key: 'p99SecondHalfMs', label: 'p99, second half of the run (ms)', digits: 1 },
  { key: 'missing', label: 'deliveries still missing after the drain', digits: 0 },
  { key: 'serverCpuUsPerMsg', label: 'server CPU µs / delivered message', digits: 2 },
  { key: 'serverCpuShare', label: 'server process CPU (of one core)', digits: 0, percent: true },
  { key: 'deliveriesPerFrame', label: 'messages per frame (or per long-polling response)', digits: 1 },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
  { key: 'otherCpuShare', label: 'other processes’ CPU (noise; of one core)', digits: 0, percent: true },
];

// The fixed-rate rows, with the server's CPU being both nodes' and Redis's own CPU beside it.
const TWO_NODE: MetricRow[] = LATENCY.flatMap((row): MetricRow[] => {
  if (row.key === 'serverCpuUsPerMsg') return [{ ...row, label: 'server CPU µs / delivered message (both nodes)' }, { ...row, key: 'redisCpuUsPerMsg', label: 'Redis CPU µs / delivered message' }];
  if (row.key === 'serverCpuShare') return [{ ...row, label: 'both nodes’ CPU (of one core; both on CPU 0)' }];
  return [row];
});

// Two nodes on Redis against one node alone under the same load, Redis per delivery and per publish.
const CLUSTER: MetricRow[] = [
  { key: 'deliveredPerSec', label: 'delivered messages/s (two nodes)', digits: 0 },
  { key: 'publishedPerSec', label: 'publishes/s', digits: 1 },
  { key: 'serverCpuUsPerMsg', label: 'node CPU µs / delivered message (both nodes summed)', digits: 2 },
  { key: 'singleCpuUsPerMsg', label: 'single node CPU µs / delivered message (same load, in-memory engine)', digits: 2 },
  { key: 'nodeCpuVsSingle', label: 'two nodes ÷ single node (CPU per delivered message)', digits: 2 },
  { key: 'nodeACpuUsPerPublish', label: 'node A’s CPU µs / publish (the publisher’s node: each publish’s Redis call, its subscribers’ half)', digits: 0 },
  { key: 'nodeBCpuUsPerPublish', label: 'node B’s CPU µs / publish (its subscribers’ half, relayed by Redis)', digits: 0 },
  { key: 'singleCpuUsPerPublish', label: 'single node CPU µs / publish (every subscriber, in-memory engine)', digits: 0 },
  { key: 'redisCpuUsPerMsg', label: 'Redis CPU µs / delivered message', digits: 3 },
  { key: 'redisBareUsPerMsg', label: 'context: a bare redis-server’s own CPU (no client, measured before the nodes start) ÷ the deliveries, µs — part of the line above, not subtracted', digits: 3 },
  { key: 'relayFloorUsPerMsg', label: 'context: the least a Redis-relayed publish costs — one PUBLISH to two subscribed connections, no storage, at this rate on the case’s redis-server before the nodes start — its Redis CPU ÷ the subscribers, µs (idle included, as the line above)', digits: 3 },
  { key: 'redisCpuUsPerMsgAboveIdle', label: 'Redis CPU µs / delivered message, its idle CPU taken out', digits: 3 },
  { key: 'redisCpuUsPerPublish', label: 'Redis CPU µs / publish', digits: 1 },
  { key: 'relayFloorUsPerPublish', label: 'context: that bare PUBLISH relay, Redis CPU µs / publish (idle included)', digits: 1 },
  { key: 'redisCpuUsPerPublishAboveIdle', label: 'Redis CPU µs / publish, its idle CPU (nodes up, before the subscribers connect) taken out', digits: 1 },
  { key: 'redisCpuUsPerPublishAboveSessionsIdle', label: 'Redis CPU µs / publish, its idle CPU with the subscribers connected (sampled on the equal-rate window’s fresh nodes, same count) taken out', digits: 1 },
  { key: 'redisIdleCpuShare', label: 'Redis CPU with both nodes up and idle, before the subscribers connect (of one core)', digits: 1, percent: true },
  { key: 'redisSessionsIdleCpuShare', label: 'Redis CPU with both nodes up and the subscribers connected, nothing published (of one core)', digits: 1, percent: true },
  { key: 'redisBareCpuShare', label: 'bare redis-server CPU before the nodes start, no client (of one core; context)', digits: 1, percent: true },
  { key: 'eqPublishesPerSec', label: 'equal-rate window: publishes/s (the same at every size)', digits: 1 },
  { key: 'eqPublishPathUsPerPublish', label: 'equal-rate window: Redis time µs / publish on the publish path (Kuiper: its publish script, SLOWLOG; Faye: commandstats, its rate with nothing published taken out)', digits: 1 },
  { key: 'eqPublishScriptUsMedian', label: 'equal-rate window: publish script, median µs per call (SLOWLOG)', digits: 1 },
  { key: 'eqPublishScriptCallsPerPublish', label: 'equal-rate window: publish script calls per publish', digits: 1 },
  { key: 'eqCommandUsPerPublish', label: 'equal-rate window: all the nodes’ Redis commands, µs / publish', digits: 1 },
  { key: 'eqUpkeepUsPerSec', label: 'equal-rate window: Redis command time off the publish path, µs / s (Kuiper: the rest of the window’s SLOWLOG; Faye: nothing published)', digits: 0 },
  { key: 'eqIdleCommandUsPerSec', label: 'Redis command time with the subscribers connected and nothing published, µs / s', digits: 0 },
  { key: 'eqRedisCpuUsPerPublish', label: 'equal-rate window: Redis CPU µs / publish (INFO cpu: also reading and writing sockets)', digits: 1 },
  { key: 'eqRedisCpuUsPerPublishAboveIdle', label: 'equal-rate window: Redis CPU µs / publish, its idle with the subscribers connected taken out', digits: 1 },
  { key: 'eqMissing', label: 'equal-rate window: deliveries missing', digits: 0 },
  { key: 'ackEqRedisCpuUsPerPublish', label: 'equal-rate window in ack mode (the ack extension, @kuiper/client’s default; Kuiper only): Redis CPU µs / publish', digits: 1 },
  { key: 'ackEqRedisCpuUsPerPublishAboveIdle', label: 'equal-rate window in ack mode: Redis CPU µs / publish, its idle with the subscribers connected taken out', digits: 1 },
  { key: 'ackEqCommandUsPerPublish', label: 'equal-rate window in ack mode: all the nodes’ Redis commands, µs / publish', digits: 1 },
  { key: 'ackEqMissing', label: 'equal-rate window in ack mode: deliveries missing', digits: 0 },
  { key: 'eqNodeKibPerSession', label: 'memory per connected, subscribed session: both nodes’ RSS KiB (after forced GC, before publishing)', digits: 2 },
  { key: 'eqNodeHeapKibPerSession', label: 'memory per connected, subscribed session: both nodes’ heap KiB', digits: 2 },
  { key: 'eqRedisBytesPerSession', label: 'memory per connected, subscribed session: Redis data bytes (INFO used_memory)', digits: 0 },
  { key: 'missing', label: 'deliveries lost (still missing after the drain)', digits: 0 },
  { key: 'singleMissing', label: 'single node: deliveries still missing after the drain', digits: 0 },
  { key: 'p50Ms', label: 'latency p50 (ms)', digits: 1 },
  { key: 'p99Ms', label: 'latency p99 (ms)', digits: 1 },
  { key: 'singleP50Ms', label: 'single node: latency p50 (ms)', digits: 1 },
  { key: 'singleP99Ms', label: 'single node: latency p99 (ms)', digits: 1 },
  { key: 'serverCpuShare', label: 'both nodes’ CPU (of one core; both on CPU 0)', digits: 0, percent: true },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
  { key: 'otherCpuShare', label: 'other processes’ CPU (noise; of one core)', digits: 0, percent: true },
];

const IDLE: MetricRow[] = [
  { key: 'sessions', label: 'sessions opened', digits: 0 },
  { key: 'baselineRssMiB', label: 'baseline RSS (MiB, after GC)', digits: 1 },
  { key: 'loadedRssMiB', label: 'RSS with the sessions (MiB, after GC)', digits: 1 },
  { key: 'kibPerSession', label: 'RSS KiB per session', digits: 1 },
  { key: 'heapKibPerSession', label: 'JS heap KiB per session', digits: 1 },
  { key: 'secondsToZeroSessions', label: 'seconds until zero sessions after the kill', digits: 1 },
  { key: 'secondsToBaselineRss', label: 'seconds until RSS ≤ baseline + 15%', digits: 1 },
  { key: 'secondsWatched', label: 'seconds watched after the kill', digits: 0 },
  { key: 'finalRssMiB', label: 'RSS at the end of the watch (MiB)', digits: 1 },
  { key: 'finalRssAfterGcMiB', label: 'RSS at the end after a forced GC (MiB)', digits: 1 },
];

const EDITORS: MetricRow[] = [
  { key: 'editors', label: 'editors in the room', digits: 0 },
  { key: 'publishedPerSec', label: 'edits/s (all editors)', digits: 0 },
  { key: 'deliveredPerSec', label: 'delivered updates/s (edit × other editor)', digits: 0 },
  { key: 'p50Ms', label: 'propagation latency p50 (ms)', digits: 1 },
  { key: 'p99Ms', label: 'propagation latency p99 (ms)', digits: 1 },
  { key: 'maxMs', label: 'propagation latency max (ms)', digits: 1 },
  { key: 'serverCpuUsPerMsg', label: 'server CPU µs / delivered update', digits: 2 },
  { key: 'serverCpuShare', label: 'server process CPU (of one core)', digits: 0, percent: true },
  { key: 'missing', label: 'edits still unseen after the drain', digits: 0 },
  { key: 'converged', label: 'documents converged (1 = all equal)', digits: 0 },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
  { key: 'otherCpuShare', label: 'other processes’ CPU (noise; of one core)', digits: 0, percent: true },
];

const JOINERS: MetricRow[] = [
  { key: 'docKiB', label: 'document size (KiB, Yjs update)', digits: 0 },
  { key: 'joined', label: 'clients that joined and synced', digits: 0 },
  { key: 'syncedMedianMs', label: 'time to synced, median (ms)', digits: 1 },
  { key: 'syncedMaxMs', label: 'time to synced, max (ms)', digits: 1 },
  { key: 'serverCpuMsPerJoin', label: 'server CPU ms / join', digits: 2 },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
];

const PRESENCE: MetricRow[] = [
  { key: 'members', label: 'members in the room', digits: 0 },
  { key: 'publishedPerSec', label: 'cursor moves/s (all members)', digits: 0 },
  { key: 'deliveredPerSec', label: 'cursor updates received/s', digits: 0 },
  { key: 'receivedShare', label: 'share of moves × others received (latest wins: may drop)', digits: 0, percent: true },
  { key: 'p50Ms', label: 'latency p50 (ms)', digits: 1 },
  { key: 'p99Ms', label: 'latency p99 (ms)', digits: 1 },
  { key: 'maxMs', label: 'latency max (ms)', digits: 1 },
  { key: 'serverCpuUsPerMsg', label: 'server CPU µs / delivered update', digits: 2 },
  { key: 'serverCpuShare', label: 'server process CPU (of one core)', digits: 0, percent: true },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
  { key: 'otherCpuShare', label: 'other processes’ CPU (noise; of one core)', digits: 0, percent: true },
];

const IDLE_ROOMS: MetricRow[] = [
  { key: 'rooms', label: 'rooms open', digits: 0 },
  { key: 'members', label: 'members (one connection each)', digits: 0 },
  { key: 'baselineRssMiB', label: 'baseline RSS (MiB, after GC)', digits: 1 },
  { key: 'loadedRssMiB', label: 'RSS with the rooms (MiB, after GC)', digits: 1 },
  { key: 'rssKibPerRoom', label: 'RSS KiB per room (after GC)', digits: 1 },
  { key: 'heapKibPerRoom', label: 'JS heap KiB per room (after GC)', digits: 1 },
  { key: 'idleCpuShare', label: 'server CPU while the rooms sit idle (of one core)', digits: 1, percent: true },
  { key: 'loadCpuShare', label: 'load generator CPU (of one core)', digits: 0, percent: true },
];

export function rowsFor(name: CaseName): MetricRow[] {
  if (name === 'collab-idle-rooms') return IDLE_ROOMS;
  if (name === 'collab-presence') return PRESENCE;
  if (name === 'collab-editors') return EDITORS;
  if (name === 'collab-late-joiners') return JOINERS;
  if (name === 'fanout-max' || name === 'many-channels') return THROUGHPUT;
  if (name === 'idle-prune') return IDLE;
  if (isClusterCase(name)) return CLUSTER;
  return name === 'two-node' ? TWO_NODE : LATENCY;
}

const n = (v: number): string => v.toLocaleString('en-US');

export function caseTitle(name: CaseName, s: Sizes): string {
  switch (name) {
    case 'fanout-max':
      return `WebSocket fan-out at max rate: ${n(s.fanout.subscribers)} subscribers on one channel, closed loop with ${s.fanout.window} messages in flight`;
    case 'fixed-rate':
      return `WebSocket fan-out at a fixed rate: ${s.fixed.rate} publishes/s to ${n(s.fixed.subscribers)} subscribers for ${s.fixed.durationMs / 1000} s`;
    case 'long-poll':
      return `Long-polling fan-out: ${n(s.longPoll.subscribers)} subscribers, ${s.longPoll.rate} publishes/s for ${s.longPoll.durationMs / 1000} s`;
    case 'many-channels':
      return `Many channels: ${n(s.many.channels)} channels × ${s.many.perChannel} subscribers, ${s.many.publishers} publishers, closed loop with ${s.many.window} messages in flight`;
    case 'idle-prune':
      return `Idle memory and pruning: ${n(s.idle.sessions)} idle WebSocket sessions, then all killed at once`;
    case 'two-node':
      return `Two nodes on Redis: ${n(s.twoNode.subscribers)} WebSocket subscribers split over two nodes, ${s.twoNode.rate} publishes/s on node A for ${s.twoNode.durationMs / 1000} s`;
    case 'collab-editors':
      return `Editors: ${n(s.collabEditors.editors)} editors in one room, ${s.collabEditors.editsPerSec} small Y.Text edits/s each for ${s.collabEditors.durationMs / 1000} s`;
    case 'collab-presence':
      return `Presence: ${n(s.collabPresence.members)} members in one room, each moving a cursor at ${s.collabPresence.hz} Hz for ${s.collabPresence.durationMs / 1000} s`;
    case 'collab-idle-rooms':
      return `Idle rooms: ${n(s.collabIdleRooms.rooms)} rooms × ${s.collabIdleRooms.perRoom} members, each room holding a one-line document`;
    case 'collab-late-joiners':
      return `Late joiners: a document built from ${n(s.collabJoiners.edits)} edits, ${n(s.collabJoiners.joiners)} clients joining one after another`;
    case 'cluster-small':
    case 'cluster-medium':
    case 'cluster-large': {
      const subscribers = s.cluster.subscribers[name];
      const rate = s.cluster.deliveriesPerSec / subscribers;
      return `Cluster fan-out: ${n(subscribers)} WebSocket subscribers split over two nodes, ${rate.toLocaleString('en-US', { maximumFractionDigits: 2 })} publishes/s on node A for ${s.cluster.durationMs / 1000} s`;
    }
  }
}
