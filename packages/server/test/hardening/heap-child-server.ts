// A Kuiper server in its own process whose JS heap a test reads over IPC (after two full
// collections), so the test's own client sockets are not counted with the server's sessions.
// Run with --expose-gc; it prints nothing, and says `{port}` over IPC once listening.
import { createKuiperServer } from '../../src/index.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('heap-child-server needs --expose-gc');
const kuiper = createKuiperServer({ timeout: 60_000 });
const { port } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
process.on('message', (message) => {
  if (message !== 'heap') return;
  collect();
  collect();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed, clients: kuiper.stats().clients });
});
// The test went away: never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ port });
