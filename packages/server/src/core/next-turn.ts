/**
 * One `setImmediate` for all the flushes of a turn of the event loop. A broadcast to 1,000
 * sockets wakes 1,000 watchers; scheduling each on its own would queue 1,000 immediates. Every
 * task added during a turn runs once, in the order added, at the start of the next.
 */
let pending = new Set<() => void>();
let scheduled = false;

function run(): void {
  scheduled = false;
  const tasks = pending;
  pending = new Set();
  for (const task of tasks) task();
}

export function onNextTurn(task: () => void): void {
  pending.add(task);
  if (!scheduled) {
    scheduled = true;
    setImmediate(run);
  }
}
