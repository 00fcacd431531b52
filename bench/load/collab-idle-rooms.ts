// collab-idle-rooms: many small rooms that stay open and quiet — `rooms` rooms of `perRoom` members
// each, every room holding a one-line document its first member wrote. A few rooms are opened and
// closed first, so code the server compiles on its first rooms is in the baseline, not charged to
// every room. The server's memory is read after a forced full GC before the measured rooms open and
// again once every room is open and settled;
// the difference divided by the rooms is the memory an idle room (its members' connections
// included) costs. The server's CPU over a quiet stretch afterwards is what idle rooms cost to keep.
import type { LoadJob, LoadResult } from '../ipc-messages.ts';
import { type CollabMember, joinRoom, within } from './collab-clients.ts';
import { closeAll } from './collab-room-load.ts';
import { type LoadContext, openAll, sleep } from './load-context.ts';

type IdleRoomsJob = Extract<LoadJob, { kind: 'collab-idle-rooms' }>;

const JOIN_TIMEOUT_MS = 30_000;
const JOIN_CONCURRENCY = 20;
/** Rooms opened and closed before the baseline: the server's code paths for rooms are warm then. */
const WARM_UP_ROOMS = 20;
const KiB = 1024;

/** Resolves once `m`'s document holds `text` (the room's first member wrote it). */
function holds(m: CollabMember, text: string): Promise<void> {
  const t = m.doc.getText('text');
  if (t.toString() === text) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (t.toString() !== text) return;
      m.doc.off('afterTransaction', check);
      resolve();
    };
    m.doc.on('afterTransaction', check);
  });
}

export async function runCollabIdleRooms(job: IdleRoomsJob, ctx: LoadContext): Promise<LoadResult> {
  const notes: string[] = [];
  let errors = 0;
  const fail = (err: Error): void => {
    errors++;
    if (notes.length < 5 && !notes.includes(err.message)) notes.push(err.message);
  };
  const prefix = `bench-idle-${process.pid}-${Date.now()}`;
  const members: CollabMember[] = [];
  const open = (name: string, count: number, into: CollabMember[]): Promise<string[]> =>
    openAll(
      count,
      JOIN_CONCURRENCY,
      async (r) => {
        const room = `${prefix}-${name}-${r}`;
        const text = `room ${r}: an idle document`;
        const first = joinRoom(job.server, job.url, room);
        into.push(first);
        await within(first.synced, JOIN_TIMEOUT_MS, `room ${r} member 0 sync`);
        first.doc.getText('text').insert(0, text);
        for (let i = 1; i < job.perRoom; i++) {
          const m = joinRoom(job.server, job.url, room);
          into.push(m);
          await within(Promise.all([m.synced, holds(m, text)]), JOIN_TIMEOUT_MS, `room ${r} member ${i} sync`);
        }
        return room;
      },
      fail,
    );
  try {
    ctx.progress(`warming up: ${WARM_UP_ROOMS} rooms opened and closed`);
    const warm: CollabMember[] = [];
    await open('warm', Math.min(WARM_UP_ROOMS, job.rooms), warm);
    await closeAll(warm);
    await sleep(job.settleMs);
    const base = await ctx.serverStats(true);
    ctx.progress(`opening ${job.rooms} rooms × ${job.perRoom} members`);
    const opened = await open('idle', job.rooms, members);
    await sleep(job.settleMs);
    const loaded = await ctx.serverStats(true);
    // A quiet stretch: what keeping the rooms open costs the server (held connects, pings, timers).
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const quietFrom = await ctx.serverStats();
    await sleep(job.settleMs);
    const quietTo = await ctx.serverStats();
    const windowMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const rooms = opened.length;
    if (rooms < job.rooms) notes.push(`${job.rooms - rooms} of ${job.rooms} rooms failed to open`);
    const perRoom = (bytes: number): number | null => (rooms > 0 && Number.isFinite(bytes) ? bytes / KiB / rooms : null);
    const serverCpuMicros = quietTo.cpuMicros - quietFrom.cpuMicros;
    return {
      delivered: 0,
      frames: 0,
      published: 0,
      windowMs,
      serverCpuMicros,
      loadCpuShare: (cpu.user + cpu.system) / (windowMs * 1000),
      coreBusy: [],
      coreIrq: [],
      errors,
      notes,
      extra: {
        rooms,
        members: rooms * job.perRoom,
        baselineRssMiB: base.rss / KiB / KiB,
        loadedRssMiB: loaded.rss / KiB / KiB,
        rssKibPerRoom: perRoom(loaded.rss - base.rss),
        heapKibPerRoom: perRoom(loaded.heapUsed - base.heapUsed),
        idleCpuShare: serverCpuMicros / (windowMs * 1000),
      },
    };
  } finally {
    await closeAll(members);
  }
}
