// collab-presence: N members of one room each moving a cursor at a fixed rate. Cursors are
// droppable (latest wins), so a delivered update is one cursor state a member actually received,
// timed against the send time of that (member, seq) kept in this process; skipped ones are not counted.
import type { LoadJob, LoadResult } from '../ipc-messages.ts';
import { closeAll, everyMember, joinMembers, measureWindow, Problems } from './collab-room-load.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { type LoadContext, sleep } from './load-context.ts';

type PresenceJob = Extract<LoadJob, { kind: 'collab-presence' }>;

export async function runCollabPresence(job: PresenceJob, ctx: LoadContext): Promise<LoadResult> {
  const problems = new Problems();
  const notes = problems.notes;
  ctx.progress(`joining ${job.members} members to one room`);
  const members = await joinMembers(job.server, job.url, `bench-presence-${process.pid}-${Date.now()}`, job.members, problems.add);
  const n = members.length;
  const sent: number[][] = members.map(() => []);
  let winStart = Number.POSITIVE_INFINITY;
  let winEnd = Number.POSITIVE_INFINITY;
  let delivered = 0;
  const latency = new LatencyRecorder();
  members.forEach((m, r) => {
    m.onCursor((c) => {
      const at = c.s === r ? undefined : sent[c.s]?.[c.q - 1];
      if (at === undefined || at < winStart || at >= winEnd) return;
      delivered++;
      latency.add(performance.now() - at);
    });
  });
  const stop = everyMember(n, 1000 / job.hz, (e) => {
    const log = sent[e];
    if (!log) return;
    log.push(performance.now());
    members[e]?.setCursor({ s: e, q: log.length, x: log.length % 1000, y: e });
  });
  try {
    await sleep(job.warmupMs);
    ctx.progress(`${n} cursors at ${job.hz} Hz: measuring ${job.durationMs / 1000} s`);
    const win = await measureWindow(ctx, job.durationMs, (start, end) => {
      winStart = start;
      winEnd = end;
    });
    stop();
    // Cursors of the window still in flight count toward latency; bounded.
    await sleep(job.drainMs);
    const published = sent.reduce((a, s) => a + s.filter((t) => t >= winStart && t < winEnd).length, 0);
    const summary = latency.summary();
    return {
      ...win,
      delivered,
      frames: 0,
      published,
      ...(summary ? { latencyMs: summary } : {}),
      errors: problems.count,
      notes,
      // Share of the possible (cursor × other member) deliveries that arrived: below 1 is dropping.
      extra: { members: n, receivedShare: published > 0 ? delivered / (published * (n - 1)) : null },
    };
  } finally {
    stop();
    await closeAll(members);
  }
}
