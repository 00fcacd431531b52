// Renders docs/benchmarks.md from a run: machine, method, targets with verdicts, then one table per
// case with Kuiper/Faye and Kuiper/raw-ws ratios.
import { type BenchPart, isClusterCase, isCollabCase, type Sizes } from '../bench-options.ts';
import type { ServerKind } from '../ipc-messages.ts';
import type { AggregatedRun } from '../median-run.ts';
import type { BenchReport, CaseResult, PartInfo } from '../run.ts';
import { caseTitle, type MetricRow, rowsFor } from './case-metrics.ts';
import { evaluateCollabTargets } from './collab-targets.ts';
import { scalingSection } from './cluster-scaling.ts';
import { clusterPerPublishContext, evaluateClusterTargets, evaluateTargets } from './evaluate-targets.ts';

const NAMES: Record<ServerKind, string> = { kuiper: 'Kuiper', faye: 'Faye', 'raw-ws': 'raw ws', hocuspocus: 'Hocuspocus', 'y-websocket': 'y-websocket' };
const ORDER: readonly ServerKind[] = ['kuiper', 'faye', 'raw-ws', 'hocuspocus', 'y-websocket'];

const COLLAB_METHOD = [
  'Every case and server runs in a fresh server process pinned to CPU 0 and a fresh load generator on CPU 1, as above; each server is driven through its own client with the same Yjs 13 workload:',
  '',
  '- **Kuiper**: the Bayeux server configured as above with `attachCollab(kuiper, { store: new MemoryStore() })`; clients are `enterRoom(createClient(url), room)` from `@kuiper/collab` / `@kuiper/client`.',
  '- **Hocuspocus** 3.4 (`@hocuspocus/server`, the newest 3.x; 4 wants Node 22): `new Hocuspocus({ quiet: true })` behind a `ws` server, no extensions, so no persistence; clients are `HocuspocusProvider` over a `HocuspocusProviderWebsocket` with `ws`.',
  '- **y-websocket**: `@y/websocket-server` 0.1.1 (`setupWSConnection`; 0.1.5 moved to the Yjs 14 pre-release) without `YPERSISTENCE`; clients are y-websocket 3’s `WebsocketProvider` with `ws` and `disableBc`.',
  '- **Editors**: every edit is one transaction inserting one character into a `Y.Text` and setting the editor’s entry of a `Y.Map` to its sequence number; each member records when it first sees each (editor, sequence) against the send time kept in the same process, so an update that merges several edits accounts for each of them. A delivered update is one edit seen by one other editor; server CPU per delivered update is the server process’s `process.cpuUsage()` over the window divided by the deliveries of edits made in it. After the window, editing stops, the drain waits (bounded) until every edit is seen, and all documents are compared.',
  '- **Presence**: each member sets its cursor (`room.presence.set({ cursor })` on Kuiper, the awareness field `cursor` on the other two) carrying its index and a sequence number; a delivered update is one cursor state another member received (cursors are latest-wins, so dropped intermediate states are not counted, and the received share is shown), timed against the send time kept in the same process.',
  '- **Idle rooms**: rooms of two members each (one connection per member, as each client makes its own) are opened 20 at a time; each room’s first member writes one line into its `Y.Text` and the second joins once it can read it. Twenty rooms are opened and closed first, so the code a server compiles for its first rooms is not charged to every room. The server’s RSS and JS heap are read after two forced full collections (`global.gc()`, every server alike) before the measured rooms open and again once every room is open and has been quiet for a few seconds; the difference divided by the rooms is the memory per idle room, its members’ connections and sessions included. Every server runs with V8’s young generation pinned at 1 MiB semi-spaces, as in the idle-sessions case: otherwise the pages it grows to during the joins stay resident after the collections, a fixed cost that the division charged to each room (more for whichever server grew more). The server’s CPU over a further quiet stretch is shown as what keeping the rooms open costs.',
  '- **Late joiners**: one member puts the document (built locally from the edits, the same seeded sequence for every server) into the room and stays; an unmeasured probe waits until the server hands out all of it; then clients join one after another, each timed from its creation until its client reports synced and its text holds the whole document.',
];

const TWO_NODE_METHOD =
  '- **Two nodes on Redis**: two processes of the same server, *both* pinned to CPU 0 (the load generator keeps CPU 1; Redis is not pinned and runs wherever the scheduler puts it): Kuiper with `engine: new RedisEngine({ url, prefix })` (as `kuiper serve --redis`), Faye with faye-redis 0.2 (on the callback-API redis client 3.x), each run under a fresh key prefix / namespace that is deleted afterwards. Subscribers alternate between the two nodes over WebSocket; the one publisher is on node A, so half the deliveries cross nodes through Redis. Server CPU per delivered message is the sum of both node processes’ `process.cpuUsage()` over the window; Redis’s own CPU (read from `/proc` when a local `redis-server` is found, otherwise –) is reported in a separate row. One round.';

function fmt(v: number | null | undefined, row: MetricRow): string {
  if (v === null || v === undefined) return '–';
  if (row.percent) return `${(v * 100).toFixed(row.digits)}%`;
  return v.toLocaleString('en-US', { minimumFractionDigits: row.digits, maximumFractionDigits: row.digits });
}

function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return '–';
  return `${(a / b).toFixed(2)}×`;
}

/** What a case's note lists round by round when it ran several (the figures its targets judge). */
const ROUND_FIGURES: Partial<Record<string, Array<{ key: string; digits: number }>>> = {
  'idle-prune': [{ key: 'kibPerSession', digits: 1 }],
  'collab-late-joiners': [{ key: 'syncedMedianMs', digits: 1 }],
  'collab-editors': [{ key: 'p99Ms', digits: 1 }, { key: 'serverCpuUsPerMsg', digits: 2 }],
  'collab-presence': [{ key: 'p99Ms', digits: 1 }, { key: 'serverCpuUsPerMsg', digits: 2 }],
  'collab-idle-rooms': [{ key: 'heapKibPerRoom', digits: 2 }, { key: 'rssKibPerRoom', digits: 1 }],
  ...Object.fromEntries(
    (['cluster-small', 'cluster-medium', 'cluster-large'] as const).map((name) => [
      name,
      [
        { key: 'redisCpuUsPerMsg', digits: 3 },
        { key: 'nodeCpuVsSingle', digits: 2 },
        { key: 'eqPublishPathUsPerPublish', digits: 1 },
        { key: 'missing', digits: 0 },
      ],
    ]),
  ),
};

function caseTable(c: CaseResult): string[] {
  if (c.runs.length === 0) return [c.note ?? 'Not run.'];
  const by = (s: ServerKind): AggregatedRun | undefined => c.runs.find((r) => r.server === s && r.error === undefined);
  const order = ORDER.filter((s) => c.runs.some((r) => r.server === s));
  const k = by('kuiper');
  // One ratio column per other server that ran this case, Kuiper's value over theirs.
  const others = order.filter((s) => s !== 'kuiper');
  const head = ['metric', ...order.map((s) => NAMES[s]), ...others.map((s) => `Kuiper / ${NAMES[s]}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of rowsFor(c.name)) {
    const values = order.map((s) => by(s)?.metrics[row.key]);
    if (values.every((v) => v === undefined)) continue;
    const cells = [row.label, ...values.map((v) => fmt(v, row)), ...others.map((s) => ratio(k?.metrics[row.key], by(s)?.metrics[row.key]))];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const notes: string[] = [];
  for (const r of c.runs) {
    if (r.error !== undefined) notes.push(`- ${NAMES[r.server]}: **failed**: ${r.error}`);
    if (r.loadSaturated) notes.push(`- ${NAMES[r.server]}: the load generator was saturated (> 90% of its core): this server's throughput is at least the figure shown.`);
    for (const n of r.notes) notes.push(`- ${NAMES[r.server]}: ${n}`);
    if (r.samples.length > 1) {
      const per = ROUND_FIGURES[c.name] ?? [{ key: 'deliveredPerSec', digits: 0 }];
      const parts = per.map(({ key, digits }) => {
        const vals = r.samples.map((m) => m[key]).filter((v): v is number => typeof v === 'number');
        return `${key} per round: ${vals.map((v) => v.toFixed(digits)).join(', ')}`;
      });
      notes.push(`- ${NAMES[r.server]}: ${r.samples.length} rounds (the table shows each figure's median), ${parts.join('; ')}`);
    }
  }
  return notes.length > 0 ? [...lines, '', ...notes] : lines;
}

/** A warning at the top of a part when other processes took a real share of the cores during its windows. */
function disturbance(cases: CaseResult[]): string[] {
  const samples = cases.flatMap((c) => c.runs.flatMap((r) => r.samples));
  const shares = samples.map((m) => m.otherCpuShare).filter((v): v is number => typeof v === 'number');
  const disturbed = shares.filter((v) => v > 0.15);
  if (disturbed.length === 0) return [];
  const mean = disturbed.reduce((a, b) => a + b, 0) / disturbed.length;
  return [
    `> **Noisy machine:** in ${disturbed.length} of ${shares.length} measured windows other processes used more than 15% of a core (${(mean * 100).toFixed(0)}% on average in those), competing with the pinned server and load generator. Absolute figures are lower than on a quiet machine and vary between rounds; compare servers within a case, and prefer the rows without a “disturbed” note.`,
    '',
  ];
}

/** The run a part comes from: its own when the report merged parts of different runs. */
function partInfo(report: BenchReport, part: BenchPart): PartInfo {
  return report.parts?.[part] ?? { machine: report.machine, quick: report.quick, durationSeconds: report.durationSeconds, sizes: report.options.sizes };
}

const machineLine = (m: PartInfo['machine']): string =>
  `**Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}. ${m.pinned ? 'Each server ran pinned to CPU 0 and the load generator to CPU 1 (`taskset`).' : 'No `taskset`: processes were not pinned.'} Load average when the run started: ${m.loadAverage.join(' / ')}.`;

/** Text written by hand that the generated report carries along (it survives every run). */
export interface ReportNotes {
  /** Markdown shown after the collaboration targets: why the unmet ones are not met (profiles). */
  collabAnalysis?: string;
  /** Markdown shown after the cluster targets: where Redis's CPU goes, and why an unmet one is not met. */
  clusterAnalysis?: string;
}

export function writeMarkdown(report: BenchReport, notes: ReportNotes = {}): string {
  const collab = report.cases.filter((c) => isCollabCase(c.name));
  const cluster = report.cases.filter((c) => isClusterCase(c.name));
  const server = report.cases.filter((c) => !isCollabCase(c.name) && !isClusterCase(c.name));
  const out: string[] = ['# Benchmarks: Kuiper vs Faye vs a raw `ws` server'];
  if (server.length > 0) out.push(...serverPart(report, server));
  if (collab.length > 0) out.push(...collabPart(report, collab, notes.collabAnalysis));
  if (cluster.length > 0) out.push(...clusterPart(report, cluster, notes.clusterAnalysis));
  out.push('');
  return out.join('\n');
}

function serverPart(report: BenchReport, cases: CaseResult[]): string[] {
  const info = partInfo(report, 'server');
  const m = info.machine;
  const s = info.sizes;
  const out: string[] = [
    '',
    `Generated by \`pnpm bench\`${info.quick ? ' --quick (tiny load: a smoke run, not a measurement)' : ''} on ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(info.durationSeconds)} s (the Bayeux cases; the collaboration section below says when it was run). Raw results: [benchmarks.json](benchmarks.json).`,
    '',
    machineLine(m),
    '',
    `**Method.** ${info.quick ? 'The quick mode keeps one server process and one load generator per server for all cases (start-up would dominate a tiny load); the default run starts a fresh server process and a fresh load-generator process for every case and round.' : 'Every case and round starts a fresh server process and a fresh load-generator process, after waiting (bounded) for the machine to be quiet.'}` +
      ' The load generator speaks Bayeux itself over `ws` and HTTP (handshake, subscribe, one held `/meta/connect`), embeds a publish timestamp in each message and finds it in delivered frames with a byte search instead of `JSON.parse`, so it spends little CPU per message; it reports its own CPU and a run where it used over 90% of its core is marked. Server CPU per delivered message comes from the server process’s own `process.cpuUsage()` over exactly the counted window; “CPU 0 busy” (from `/proc/stat`) also includes the kernel’s loopback softirq work and anything else running on that core. Latency is publish → delivery in the load generator’s clock. Cases run in several interleaved rounds (fan-out, many channels, idle sessions, idle rooms: the idle cases’ memory verdicts flipped between single runs; editors and presence: a 10 s window’s p99 rests on its slowest 1% of deliveries, which one collection pause in the load generator’s 50 members can fill) report each figure’s median, every sample kept in benchmarks.json and listed under the case.',
    '',
    '- **Kuiper**: `createKuiperServer({ path: \'/bayeux\', timeout: 30000, interval: 0, maxInterval: 10000 })`, other options at their defaults: a long-poll woken by deliveries is answered 10 ms after the first (`batchDelayMs`) and no sooner than 100 ms after it arrived (`pollPacingMs`); after a wave of departures it runs full collections (`reclaimMemory`).',
    '- **Faye** 1.4.3: `NodeAdapter({ mount: \'/bayeux\', timeout: 45 })`, the configuration its documentation uses (it forgets a silent client after 2 × timeout).',
    '- **raw ws**: a `ws` server that understands just enough Bayeux JSON (handshake, subscribe, publish) and sends each broadcast, serialised once, as one frame per subscriber. No sessions, no long-polling.',
    `- Payload: \`{"_t":<µs>,"pad":"<${s.payloadBytes} bytes>"}\`. Idle sessions each subscribe to one of 100 channels and hold a connect. RSS for idle memory is sampled after a forced full GC on every server alike, each server running with V8's young generation pinned at 1 MiB semi-spaces (otherwise its growth during the connect burst, a fixed 16-24 MiB that depends on the server's start-up, is counted as if it were per session); during the pruning watch no GC is forced.`,
    ...(cases.some((c) => c.name === 'two-node') ? [TWO_NODE_METHOD] : []),
    '',
    ...disturbance(cases),
    '![Throughput and latency](benchmarks.svg)',
    '',
    '## Targets (issue 6)',
    '',
    '| target | verdict | measured |',
    '| --- | --- | --- |',
    ...evaluateTargets(report).map((t) => `| ${t.target} | ${t.verdict === 'met' ? '**met**' : t.verdict === 'not met' ? '**not met**' : 'n/a'} | ${t.evidence} |`),
    '',
    'Ratios below are Kuiper’s value divided by the other server’s: above 1 is better for messages/s, below 1 is better for latency, CPU and memory.',
  ];
  for (const c of cases) out.push('', `## ${caseTitle(c.name, s)}`, '', ...caseTable(c));
  return out;
}

function collabPart(report: BenchReport, cases: CaseResult[], analysis: string | undefined): string[] {
  const info = partInfo(report, 'collab');
  const m = info.machine;
  const targets = evaluateCollabTargets(report).map((t) => `| ${t.target} | ${t.verdict === 'met' ? '**met**' : t.verdict === 'not met' ? '**not met**' : 'n/a'} | ${t.evidence} |`);
  const out: string[] = [
    '',
    '## Collaboration: Kuiper vs Hocuspocus vs y-websocket',
    '',
    `Generated by \`pnpm bench\` (this section alone: \`pnpm bench -- --only collab\`)${info.quick ? ' --quick (tiny load: a smoke run, not a measurement)' : ''} on ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(info.durationSeconds)} s: all three servers in one run, interleaved case by case.`,
    '',
    machineLine(m),
    '',
    ...disturbance(cases),
    ...COLLAB_METHOD,
    '',
    '| target (issue 11) | verdict | measured |',
    '| --- | --- | --- |',
    ...targets,
  ];
  if (analysis !== undefined && analysis.trim() !== '') out.push('', analysis.trim());
  for (const c of cases) out.push('', `### ${caseTitle(c.name, info.sizes)}`, '', ...caseTable(c));
  return out;
}

/** What the equal-rate window measures (absent from reports written before it existed). */
function equalRateMethod(eq: Sizes['cluster']['equalRate'] | undefined): string {
  if (eq === undefined) return '';
  return (
    `**Equal-rate window.** After the main window, each case starts two fresh nodes (the main window's clients leave without a disconnect, and pruning their sessions would fall in this window) with the same number of subscribers, waits ${eq.settleMs / 1000} s, samples Redis idle for ${eq.idleMs / 1000} s with the subscribers connected and nothing published, then publishes ${eq.publishesPerSec} message/s for ${eq.durationMs / 1000} s: the same rate at every size, so the sizes differ only in subscribers. ` +
    "For Kuiper, Redis logs every command then (`slowlog-log-slower-than 0`, set back afterwards): the publish script is the EVALSHA whose sha is the engine's `publishStream` script's, and its logged execution times per publish are the publish path; every other command the nodes sent in the window (the nodes' once-a-second upkeep script, …) is shown per second. For Faye, whose faye-redis runs several commands per subscriber per publish (a log of hundreds of thousands of entries at 10,000 subscribers, its logging a real share of the work), the figure is INFO commandstats' command time over the window (EXEC's commands counted one by one), less its rate over the idle sample, per publish. " +
    "SLOWLOG and commandstats count command execution only; Redis's CPU (INFO cpu) also reads and writes the sockets and runs its event loop, and is shown per publish beside them, with the idle sample's CPU taken out."
  );
}

/** How many rounds the cluster cases ran, and how the report folds them. */
function roundsText(rounds: number): string {
  if (rounds <= 1) return 'One round per case.';
  return `${rounds} interleaved rounds per case (a case's Redis CPU per delivery moved 0.34–0.57 µs between single runs of the same code on this VM, whose bare redis-server alone used 0.15–0.23 µs of it): the tables show each figure's median, the notes list the judged figures round by round, and 0 lost is judged on the worst round.`;
}

function clusterPart(report: BenchReport, cases: CaseResult[], analysis: string | undefined): string[] {
  const info = partInfo(report, 'cluster');
  const m = info.machine;
  const s = info.sizes.cluster;
  const rates = Object.values(s.subscribers).map((subs) => `${(s.deliveriesPerSec / subs).toLocaleString('en-US', { maximumFractionDigits: 2 })} publishes/s to ${subs.toLocaleString('en-US')}`);
  const targets = evaluateClusterTargets(report).map((t) => `| ${t.target} | ${t.verdict === 'met' ? '**met**' : t.verdict === 'not met' ? '**not met**' : 'n/a'} | ${t.evidence} |`);
  const out: string[] = [
    '',
    '## Cluster fan-out on Redis: Kuiper vs Faye on faye-redis',
    '',
    `Generated by \`pnpm bench\` (this section alone: \`pnpm bench -- --only cluster\`)${info.quick ? ' --quick (tiny load: a smoke run, not a measurement)' : ''} on ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(info.durationSeconds)} s: both servers in one run, interleaved case by case.`,
    '',
    machineLine(m),
    '',
    ...disturbance(cases),
    `**Method.** Each case starts a redis-server of the bench's own on 127.0.0.1 (no persistence; \`FLUSHALL\` before every run, so its CPU counts this bench's work only), two nodes of one server, *both* pinned to CPU 0, and a fresh load generator on CPU 1; Redis is not pinned. Kuiper's nodes use \`new RedisEngine({ url, prefix })\` (what \`kuiper serve --redis\` builds), Faye's faye-redis 0.2. The subscribers, on one channel, alternate between the nodes over WebSocket; one publisher on node A publishes at a fixed rate chosen so that every size offers ${s.deliveriesPerSec.toLocaleString('en-US')} deliveries/s (${rates.join(', ')} subscribers), which keeps both servers' nodes and Redis under one core each with today's engines. Node CPU per delivered message is both node processes' \`process.cpuUsage()\` summed over the ${s.durationMs / 1000} s window, divided by the deliveries counted in it; Redis CPU is redis-server's own (\`used_cpu_user\` + \`used_cpu_sys\` from its \`INFO cpu\`, µs resolution) over the same window, also shown per publish and with its idle CPU (sampled for 2 s with both nodes up before the load) taken out. Lost = deliveries of messages published in the window still missing ${s.drainMs / 1000} s after it. **Relay floor.** Before the nodes start, on the same redis-server and at the case's publish rate, the bench sends one plain \`PUBLISH\` of a message per publish to two subscribed connections (standing in for the two nodes; no storage, no script) for 5 s, or 10 publishes when that is longer: Redis's CPU over it per publish and per subscriber, idle included, is the least any engine that relays through Redis pub/sub costs on this machine, shown beside the Redis targets as context. ${equalRateMethod(s.equalRate)} Then, in the same run, the same subscribers and rate on **one** node with the in-memory engine: its CPU per delivered message is the single-node figure the targets compare against. ${roundsText(info.sizes.repeats['cluster-medium'])}`,
    '',
    '| target (issue 15) | verdict | measured |',
    '| --- | --- | --- |',
    ...targets,
    '',
    ...clusterPerPublishContext(report).flatMap((line) => [line, '']),
    ...(analysis !== undefined && analysis.trim() !== '' ? [analysis.trim(), ''] : []),
    'Ratios below are Kuiper’s value divided by Faye’s: below 1 is better for latency and CPU.',
  ];
  for (const c of cases) out.push('', `### ${caseTitle(c.name, info.sizes)}`, '', ...caseTable(c));
  out.push(...scalingSection(report));
  return out;
}
