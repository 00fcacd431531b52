// A Kuiper server in its own process for SWEEP-3: `reclaimMemory` on or off (first argument), a
// 250 ms sweep period, and V8's collector wrapped so the test can tell with how many sessions the
// reclaimer last collected.
// Run with --expose-gc. Says `{port}` over IPC once listening; answers `heap` with what V8 holds
// now, without collecting first: what the reclaimer left is what is measured.
import { getHeapSpaceStatistics } from 'node:v8';
import { createKuiperServer } from '../src/index.js';

const g = globalThis as { gc?: () => void };
const gc = g.gc;
if (!gc) throw new Error('reclaim-child-server needs --expose-gc');
/** Sessions live at the last collection: the test waits for one made after its whole wave. */
let clientsAtCollection = 0;
g.gc = () => {
  clientsAtCollection = kuiper.stats().clients;
  gc();
};
const kuiper = createKuiperServer({ timeout: 60_000, sweepIntervalMs: 250, reclaimMemory: process.argv[2] === 'on' });
const { port } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
process.on('message', (message) => {
  if (message !== 'heap') return;
  const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  process.send?.({ clientsAtCollection, clients: kuiper.stats().clients, oldCommitted: old?.space_size ?? 0, oldUsed: old?.space_used_size ?? 0 });
});
// The test went away: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ port });
