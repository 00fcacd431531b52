// Entry of the load-generator process (pinned to its own core by the harness). It receives one job
// at a time over IPC, runs it and sends the result; server stats requests are relayed by the harness.
import { useBuiltOrSource } from '../kuiper-source.ts';
import type { FromLoad, LoadJob, LoadResult, ServerStats, ToLoad } from '../ipc-messages.ts';
import { fdLimit } from '../servers/serve-over-ipc.ts';
import { holdIdleSessions } from './hold-idle-sessions.ts';
import type { LoadContext } from './load-context.ts';
import { runLoad } from './run-load.ts';

/**
 * The collaboration clients are loaded only for those jobs: from the built packages when they
 * exist, otherwise from the TypeScript source (a clean clone), as the Kuiper server script does.
 */
async function runCollab(job: Extract<LoadJob, { kind: 'collab-editors' | 'collab-late-joiners' | 'collab-presence' | 'collab-idle-rooms' }>, ctx: LoadContext): Promise<LoadResult> {
  useBuiltOrSource(['protocol', 'client', 'collab']);
  if (job.kind === 'collab-editors') return (await import('./collab-editors.ts')).runCollabEditors(job, ctx);
  if (job.kind === 'collab-presence') return (await import('./collab-presence.ts')).runCollabPresence(job, ctx);
  if (job.kind === 'collab-idle-rooms') return (await import('./collab-idle-rooms.ts')).runCollabIdleRooms(job, ctx);
  return (await import('./collab-late-joiners.ts')).runCollabLateJoiners(job, ctx);
}

const send = (msg: FromLoad): void => {
  process.send?.(msg);
};
const waiting = new Map<number, (stats: ServerStats) => void>();
let nextReq = 0;

const ctx: LoadContext = {
  serverStats(gc) {
    const reqId = ++nextReq;
    return new Promise((resolve) => {
      waiting.set(reqId, resolve);
      send({ type: 'server-stats', reqId, ...(gc ? { gc } : {}) });
    });
  },
  progress(text) {
    send({ type: 'progress', text });
  },
  idleReady(sessions, failed) {
    send({ type: 'idle-ready', sessions, failed });
  },
};

process.on('message', (raw: unknown) => {
  const msg = raw as ToLoad;
  if (msg.type === 'server-stats') {
    waiting.get(msg.reqId)?.(msg.stats);
    waiting.delete(msg.reqId);
    return;
  }
  const job = msg.job;
  const run =
    job.kind === 'idle'
      ? holdIdleSessions(job, ctx).then(() => undefined)
      : job.kind === 'collab-editors' || job.kind === 'collab-late-joiners' || job.kind === 'collab-presence' || job.kind === 'collab-idle-rooms'
        ? runCollab(job, ctx)
        : runLoad(job, ctx);
  // The worker stays up for the next job (the quick mode reuses it); the harness kills it.
  run.then(
    (result) => {
      if (result) send({ type: 'result', result });
    },
    (err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    },
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', fdLimit: fdLimit() });
