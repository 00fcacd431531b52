// collab-editors: N editors in one room, each making small Y.Text edits at a fixed rate. Each edit
// also sets the editor's entry in a Y.Map to its sequence number; every member records when it first
// sees each (editor, seq) — a merged update that skips sequence numbers still accounts for each
// skipped edit, timed against the send time kept in this process (one clock for all members).
import * as Y from 'yjs';
import type { LoadJob, LoadResult } from '../ipc-messages.ts';
import { type CollabMember, joinRoom, seeded, within } from './collab-clients.ts';
import { coreShares, readCoreTicks } from './core-usage.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { type LoadContext, openAll, sleep } from './load-context.ts';

type EditorsJob = Extract<LoadJob, { kind: 'collab-editors' }>;

const JOIN_TIMEOUT_MS = 30_000;
const JOIN_CONCURRENCY = 10;

export async function runCollabEditors(job: EditorsJob, ctx: LoadContext): Promise<LoadResult> {
  const notes: string[] = [];
  let errors = 0;
  const fail = (err: Error): void => {
    errors++;
    if (notes.length < 5 && !notes.includes(err.message)) notes.push(err.message);
  };
  const room = `bench-editors-${process.pid}-${Date.now()}`;
  ctx.progress(`joining ${job.editors} editors to one room`);
  const members = await openAll(
    job.editors,
    JOIN_CONCURRENCY,
    async (i) => {
      const m = joinRoom(job.server, job.url, room);
      try {
        await within(m.synced, JOIN_TIMEOUT_MS, `editor ${i} sync`);
      } catch (err) {
        await m.close();
        throw err;
      }
      return m;
    },
    fail,
  );
  if (members.length < 2) {
    await closeAll(members);
    throw new Error(`only ${members.length} of ${job.editors} editors synced: ${notes.join('; ')}`);
  }
  if (members.length < job.editors) notes.push(`${job.editors - members.length} of ${job.editors} editors failed to join`);

  const n = members.length;
  // sent[e][seq - 1]: when editor e made edit seq (ms, performance.now()).
  const sent: number[][] = members.map(() => []);
  // seen[r][e]: the highest seq of editor e that member r has seen.
  const seen: number[][] = members.map(() => new Array<number>(n).fill(0));
  let winStart = Number.POSITIVE_INFINITY;
  let winEnd = Number.POSITIVE_INFINITY;
  let delivered = 0;
  const latency = new LatencyRecorder();
  members.forEach((m, r) => {
    m.doc.getMap<number>('stamps').observe((event) => {
      const now = performance.now();
      const stamps = event.target as Y.Map<number>;
      for (const key of event.keysChanged) {
        const e = Number(key);
        const seq = stamps.get(key);
        const row = seen[r];
        if (e === r || row === undefined || typeof seq !== 'number' || seq <= (row[e] ?? 0)) continue;
        for (let s = (row[e] ?? 0) + 1; s <= seq; s++) {
          const at = sent[e]?.[s - 1];
          if (at === undefined || at < winStart || at >= winEnd) continue;
          delivered++;
          latency.add(now - at);
        }
        row[e] = seq;
      }
    });
  });

  // Each editor edits on its own timer, phases spread over the period so the room sees a steady rate.
  const period = 1000 / job.editsPerSec;
  const rand = seeded(11);
  const edit = (e: number): void => {
    const m = members[e];
    const log = sent[e];
    if (!m || !log) return;
    const text = m.doc.getText('text');
    m.doc.transact(() => {
      text.insert(Math.floor(rand() * (text.length + 1)), String.fromCharCode(97 + Math.floor(rand() * 26)));
      log.push(performance.now());
      m.doc.getMap<number>('stamps').set(String(e), log.length);
    });
  };
  const timers: NodeJS.Timeout[] = [];
  const phases: NodeJS.Timeout[] = members.map((_, e) =>
    setTimeout(() => {
      edit(e);
      timers.push(setInterval(() => edit(e), period));
    }, (e * period) / n),
  );
  const stopEditing = (): void => {
    for (const t of [...phases, ...timers]) clearTimeout(t);
  };

  try {
    await sleep(job.warmupMs);
    ctx.progress(`${n} editors at ${job.editsPerSec} edits/s each: measuring ${job.durationMs / 1000} s`);
    const before = await ctx.serverStats();
    const ticksBefore = readCoreTicks();
    const cpuBefore = process.cpuUsage();
    winStart = performance.now();
    await sleep(job.durationMs);
    winEnd = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const ticksAfter = readCoreTicks();
    const after = await ctx.serverStats();
    stopEditing();
    const windowMs = winEnd - winStart;

    // Drain: until every member has seen every editor's last edit, or the cap.
    const done = (): number => seen.reduce((miss, row, r) => miss + row.reduce((m, s, e) => m + (e === r ? 0 : (sent[e]?.length ?? 0) - s), 0), 0);
    const drainUntil = performance.now() + job.drainMs;
    while (done() > 0 && performance.now() < drainUntil) await sleep(20);
    const unseen = done();
    const texts = new Set(members.map((m) => m.doc.getText('text').toString()));
    const maps = new Set(members.map((m) => JSON.stringify(m.doc.getMap('stamps').toJSON())));
    const converged = texts.size === 1 && maps.size === 1;
    if (!converged) notes.push(`documents did not converge: ${texts.size} distinct texts, ${maps.size} distinct stamp maps after the drain`);
    const published = sent.reduce((a, s) => a + s.filter((t) => t >= winStart && t < winEnd).length, 0);
    const shares = coreShares(ticksBefore, ticksAfter);
    return {
      delivered,
      frames: 0,
      published,
      windowMs,
      serverCpuMicros: after.cpuMicros - before.cpuMicros,
      loadCpuShare: (cpu.user + cpu.system) / (windowMs * 1000),
      coreBusy: shares.map((s) => s.busy),
      coreIrq: shares.map((s) => s.irq),
      ...(latency.summary() ? { latencyMs: latency.summary() } : {}),
      missing: unseen,
      errors,
      notes,
      extra: { editors: n, converged: converged ? 1 : 0, docChars: members[0]?.doc.getText('text').length ?? 0 },
    };
  } finally {
    stopEditing();
    await closeAll(members);
  }
}

async function closeAll(members: CollabMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.close().catch(() => {})));
}
