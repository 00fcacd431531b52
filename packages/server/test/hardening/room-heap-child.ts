// The memory engine alone, in a process of its own, holding many idle rooms as the collaboration
// layer lays one out (a parent, a relay channel the room's authority listens on, and the document,
// presence and chat channels both members subscribe to): its JS heap per room, after full
// collections, is sent over IPC. Run with --expose-gc.
import { MemoryEngine } from '../../src/engines/memory.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('room-heap-child needs --expose-gc');
const engine = new MemoryEngine();
engine.start({
  onEvent: () => {},
  sweepIntervalMs: 3_600_000,
  maxInterval: 3_600_000,
  interval: 0,
  maxQueue: 1000,
  maxQueueBytes: 1 << 20,
  overflow: 'drop-oldest',
});

async function openRoom(i: number): Promise<void> {
  const room = `/rooms/r${i}`;
  engine.listen(`${room}/relay`, () => {});
  for (let member = 0; member < 2; member++) {
    const id = await engine.createSession(undefined);
    for (const channel of ['doc', 'presence', 'chat']) await engine.subscribe(id, `${room}/${channel}`);
  }
}

const WARM = 200;
const ROOMS = 5000;
for (let i = 0; i < WARM; i++) await openRoom(i);
engine.sweep(Date.now());
collect();
collect();
const before = process.memoryUsage().heapUsed;
for (let i = WARM; i < WARM + ROOMS; i++) await openRoom(i);
// A server sweeps every period: what a sweep keeps of idle rooms is what they cost (SWEEP-1).
engine.sweep(Date.now());
collect();
collect();
const perRoom = (process.memoryUsage().heapUsed - before) / ROOMS;
process.send?.({ perRoom, stats: engine.stats() });
process.exit(0);
