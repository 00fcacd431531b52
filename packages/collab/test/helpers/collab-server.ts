// Run as a child process by test/integration/kill.test.ts: a Kuiper server with rooms on a LevelStore
// in the given directory. It prints its URL, then serves until the parent kills it with SIGKILL.
import { createKuiperServer } from '@kuiper/server';
import { LevelStore } from '../../src/stores/level.js';
import { attachCollab } from '../../src/server/index.js';

const location = process.argv[2];
if (!location) throw new Error('usage: collab-server <dir>');
const kuiper = createKuiperServer({ path: '/bayeux' });
// Snapshots never come in time: what survives is the update log, written before each ack.
attachCollab(kuiper, { store: new LevelStore({ location }), snapshotDebounceMs: 3_600_000, snapshotMaxWaitMs: 3_600_000 });
const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`url ${url}\n`);
