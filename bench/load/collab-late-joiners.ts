// collab-late-joiners: a document built from many small edits is put into a room by one member
// (which stays, so no server unloads it); an unmeasured probe confirms the server holds all of it;
// then clients join one after another, each timed from its creation until its synced event has fired
// AND its document holds the whole text (clients differ in what "synced" promises).
import * as Y from 'yjs';
import type { LoadJob, LoadResult } from '../ipc-messages.ts';
import { type CollabMember, joinRoom, seeded, within } from './collab-clients.ts';
import type { LoadContext } from './load-context.ts';

type JoinersJob = Extract<LoadJob, { kind: 'collab-late-joiners' }>;

const STEP_TIMEOUT_MS = 60_000;

/** The same document for every server: `edits` transactions of inserts, with a delete every 5th. */
export function buildDocument(edits: number): Uint8Array {
  const doc = new Y.Doc();
  // A fixed client id: the update's bytes (and size) are then the same for every server's run.
  doc.clientID = 7;
  const text = doc.getText('text');
  const rand = seeded(7);
  for (let i = 0; i < edits; i++) {
    doc.transact(() => {
      if (i % 5 === 4 && text.length > 4) text.delete(Math.floor(rand() * (text.length - 2)), 2);
      else text.insert(Math.floor(rand() * (text.length + 1)), 'abcdefgh'.slice(0, 1 + Math.floor(rand() * 6)));
    });
  }
  return Y.encodeStateAsUpdate(doc);
}

/** Resolves once the member's text has `chars` characters (the whole seeded document). */
function holdsAll(m: CollabMember, chars: number): Promise<void> {
  const text = m.doc.getText('text');
  if (text.length === chars) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (text.length !== chars) return;
      m.doc.off('afterTransaction', check);
      resolve();
    };
    m.doc.on('afterTransaction', check);
  });
}

export async function runCollabLateJoiners(job: JoinersJob, ctx: LoadContext): Promise<LoadResult> {
  const notes: string[] = [];
  let errors = 0;
  const room = `bench-joiners-${process.pid}-${Date.now()}`;
  const update = buildDocument(job.edits);
  const reference = new Y.Doc();
  Y.applyUpdate(reference, update);
  const chars = reference.getText('text').length;
  const members: CollabMember[] = [];
  try {
    ctx.progress(`seeding a document of ${job.edits} edits (${(update.byteLength / 1024).toFixed(0)} KiB, ${chars} characters)`);
    const seeder = joinRoom(job.server, job.url, room);
    members.push(seeder);
    await within(seeder.synced, STEP_TIMEOUT_MS, 'seeder sync');
    Y.applyUpdate(seeder.doc, update);
    const probe = joinRoom(job.server, job.url, room);
    members.push(probe);
    await within(Promise.all([probe.synced, holdsAll(probe, chars)]), STEP_TIMEOUT_MS, 'probe: the seeded document reaching the server');

    ctx.progress(`${job.joiners} clients joining one after another`);
    const times: number[] = [];
    const before = await ctx.serverStats();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < job.joiners; i++) {
      const t0 = performance.now();
      const m = joinRoom(job.server, job.url, room);
      members.push(m);
      try {
        await within(Promise.all([m.synced, holdsAll(m, chars)]), STEP_TIMEOUT_MS, `joiner ${i}`);
        times.push(performance.now() - t0);
        if (m.doc.getText('text').toString() !== reference.getText('text').toString()) {
          errors++;
          notes.push(`joiner ${i}'s text differs from the seeded document`);
        }
      } catch (err) {
        errors++;
        if (notes.length < 5) notes.push((err as Error).message);
      }
    }
    const windowMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await ctx.serverStats();
    const sorted = [...times].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length === 0 ? null : sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    const serverCpuMicros = after.cpuMicros - before.cpuMicros;
    return {
      delivered: times.length,
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
        joined: times.length,
        docKiB: update.byteLength / 1024,
        syncedMedianMs: median,
        syncedMaxMs: sorted.length === 0 ? null : (sorted[sorted.length - 1] ?? null),
        serverCpuMsPerJoin: times.length > 0 ? serverCpuMicros / 1000 / times.length : null,
      },
    };
  } finally {
    await Promise.all(members.map((m) => m.close().catch(() => {})));
  }
}
