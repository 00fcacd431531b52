// Idle memory and pruning: open N WebSocket sessions (handshake, one subscription, a held connect),
// tell the harness, then just hold them. The harness measures the server and SIGKILLs this
// process, which is how the clients "vanish at once".
import type { LoadJob } from '../ipc-messages.ts';
import { BayeuxWsClient } from './bayeux-ws-client.ts';
import { type LoadContext, openAll, sleep } from './load-context.ts';

export async function holdIdleSessions(job: Extract<LoadJob, { kind: 'idle' }>, ctx: LoadContext): Promise<void> {
  let failed = 0;
  let firstError = '';
  const events = {
    onFrame: () => {},
    onError: (message: string) => {
      if (!firstError) firstError = message;
    },
  };
  ctx.progress(`opening ${job.sessions} idle websocket sessions`);
  const clients = await openAll(
    job.sessions,
    job.concurrency,
    async (i) => {
      const client = new BayeuxWsClient(job.url, events);
      await client.start([`/bench/idle/${i % 100}`]);
      return client;
    },
    (err) => {
      failed++;
      if (!firstError) firstError = err.message;
    },
  );
  if (firstError) ctx.progress(`first idle-session error: ${firstError}`);
  ctx.idleReady(clients.length, failed);
  // Bounded: if the harness never kills us, give up after ten minutes.
  await sleep(600_000);
}
