// collab-editors: N editors in one room, each making small Y.Text edits at a fixed rate. Each edit
// also sets the editor's entry in a Y.Map to its sequence number; every member records when it first
// sees each (editor, seq) — a merged update that skips sequence numbers still accounts for each
// skipped edit, timed against the send time kept in this process (one clock for all members).
import type * as Y from 'yjs';
import type { LoadJob, LoadResult } from '../ipc-messages.ts';
import { seeded } from './collab-clients.ts';
import { closeAll, everyMember, joinMembers, measureWindow, Problems } from './collab-room-load.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { type LoadContext, sleep } from './load-context.ts';

type EditorsJob = Extract<LoadJob, { kind: 'collab-editors' }>;

export async function runCollabEditors(job: EditorsJob, ctx: LoadContext): Promise<LoadResult> {
  const problems = new Problems();
  const notes = problems.notes;
  ctx.progress(`joining ${job.editors} editors to one room`);
  const members = await joinMembers(job.server, job.url, `bench-editors-${process.pid}-${Date.now()}`, job.editors, problems.add);
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

  const rand = seeded(11);
  const stopEditing = everyMember(n, 1000 / job.editsPerSec, (e) => {
    const m = members[e];
    const log = sent[e];
    if (!m || !log) return;
    const text = m.doc.getText('text');
    m.doc.transact(() => {
      text.insert(Math.floor(rand() * (text.length + 1)), String.fromCharCode(97 + Math.floor(rand() * 26)));
      log.push(performance.now());
      m.doc.getMap<number>('stamps').set(String(e), log.length);
    });
  });

  try {
    await sleep(job.warmupMs);
    ctx.progress(`${n} editors at ${job.editsPerSec} edits/s each: measuring ${job.durationMs / 1000} s`);
    const win = await measureWindow(ctx, job.durationMs, (start, end) => {
      winStart = start;
      winEnd = end;
    });
    stopEditing();

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
    const summary = latency.summary();
    return {
      ...win,
      delivered,
      frames: 0,
      published,
      ...(summary ? { latencyMs: summary } : {}),
      missing: unseen,
      errors: problems.count,
      notes,
      extra: { editors: n, converged: converged ? 1 : 0, docChars: members[0]?.doc.getText('text').length ?? 0 },
    };
  } finally {
    stopEditing();
    await closeAll(members);
  }
}
