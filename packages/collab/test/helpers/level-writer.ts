// Run as a child process by store-level.test.ts: appends updates to a LevelStore as fast as it can
// and reports each seq the moment appendUpdate resolves, until the parent kills it with SIGKILL.
import { LevelStore } from '../../src/stores/level.js';

const location = process.argv[2];
if (!location) throw new Error('usage: level-writer <dir>');
const store = new LevelStore({ location });
await store.open();
for (let i = 1; ; i++) {
  const update = new Uint8Array(1024).fill(i % 256);
  const seq = await store.appendUpdate('room', update);
  process.stdout.write(`acked ${seq} ${i % 256}\n`);
}
