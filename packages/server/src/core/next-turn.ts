/**
 * One `setImmediate` for all the flushes of a turn of the event loop. A broadcast to 1,000
 * sockets wakes 1,000 watchers; scheduling each on its own would queue 1,000 immediates. Every
 * task added during a turn runs once, in the order added, at the start of the next.
 */

/**
 * A task that is an object with a `runTurn` method: a long-lived object (a session's flow) queues
 * itself instead of keeping a closure for it (a closure is ~56 bytes per idle session).
 */
export interface TurnTask {
  runTurn(): void;
}

type Task = (() => void) | TurnTask;

let pending = new Set<Task>();
let scheduled = false;

function run(): void {
  scheduled = false;
  const tasks = pending;
  pending = new Set();
  for (const task of tasks) {
    if (typeof task === 'function') task();
    else task.runTurn();
  }
}

export function onNextTurn(task: Task): void {
  pending.add(task);
  if (!scheduled) {
    scheduled = true;
    setImmediate(run);
  }
}
