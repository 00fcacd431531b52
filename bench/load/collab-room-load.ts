// What the collaboration cases that drive a live room share: joining members, per-member timers
// with phases spread over the period, and a measured window bracketed by the server's own CPU.
import type { LoadResult, ServerKind } from '../ipc-messages.ts';
import { type CollabMember, joinRoom, within } from './collab-clients.ts';
import { coreShares, readCoreTicks } from './core-usage.ts';
import { type LoadContext, openAll, sleep } from './load-context.ts';

const JOIN_TIMEOUT_MS = 30_000;
const JOIN_CONCURRENCY = 10;

/** Joins `count` members to `room` (each waits for its sync); failures go to `fail`. Needs two. */
export async function joinMembers(server: ServerKind, url: string, room: string, count: number, fail: (err: Error) => void): Promise<CollabMember[]> {
  const members = await openAll(
    count,
    JOIN_CONCURRENCY,
    async (i) => {
      const m = joinRoom(server, url, room);
      try {
        await within(m.synced, JOIN_TIMEOUT_MS, `member ${i} sync`);
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
    throw new Error(`only ${members.length} of ${count} members synced`);
  }
  return members;
}

export async function closeAll(members: CollabMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.close().catch(() => {})));
}

/** Calls act(i) for each of n members every periodMs, phases spread so the room sees a steady rate; returns stop. */
export function everyMember(n: number, periodMs: number, act: (i: number) => void): () => void {
  const timers: NodeJS.Timeout[] = [];
  const phases = Array.from({ length: n }, (_, i) =>
    setTimeout(() => {
      act(i);
      timers.push(setInterval(() => act(i), periodMs));
    }, (i * periodMs) / n),
  );
  return () => {
    for (const t of [...phases, ...timers]) clearTimeout(t);
  };
}

export type WindowFigures = Pick<LoadResult, 'windowMs' | 'serverCpuMicros' | 'loadCpuShare' | 'coreBusy' | 'coreIrq'>;

/** Sleeps durationMs between two server CPU snapshots; `bounds` gets the window's start, then its end. */
export async function measureWindow(ctx: LoadContext, durationMs: number, bounds: (start: number, end: number) => void): Promise<WindowFigures> {
  const before = await ctx.serverStats();
  const ticksBefore = readCoreTicks();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  bounds(start, Number.POSITIVE_INFINITY);
  await sleep(durationMs);
  const end = performance.now();
  bounds(start, end);
  const cpu = process.cpuUsage(cpuBefore);
  const ticksAfter = readCoreTicks();
  const after = await ctx.serverStats();
  const shares = coreShares(ticksBefore, ticksAfter);
  const windowMs = end - start;
  return {
    windowMs,
    serverCpuMicros: after.cpuMicros - before.cpuMicros,
    loadCpuShare: (cpu.user + cpu.system) / (windowMs * 1000),
    coreBusy: shares.map((s) => s.busy),
    coreIrq: shares.map((s) => s.irq),
  };
}

/** Failures of a run: counted, with the first few distinct messages kept as notes for the report. */
export class Problems {
  readonly notes: string[] = [];
  count = 0;
  readonly add = (err: Error): void => {
    this.count++;
    if (this.notes.length < 5 && !this.notes.includes(err.message)) this.notes.push(err.message);
  };
}
