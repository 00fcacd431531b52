/** An in-memory Web Locks stand-in (exclusive locks, FIFO waiters, abortable while waiting). */
import type { LockManagerLike } from '../../src/index.js';

export function fakeLocks(): LockManagerLike {
  const held = new Set<string>();
  const waiting = new Map<string, { run: () => void; signal: AbortSignal | undefined }[]>();
  const pump = (name: string): void => {
    if (held.has(name)) return;
    const queue = waiting.get(name) ?? [];
    const next = queue.shift();
    if (next) next.run();
  };
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const entry = {
          signal: options.signal,
          run: () => {
            held.add(name);
            callback().finally(() => {
              held.delete(name);
              resolve(undefined);
              pump(name);
            });
          },
        };
        const queue = waiting.get(name) ?? [];
        waiting.set(name, queue);
        queue.push(entry);
        options.signal?.addEventListener('abort', () => {
          const i = queue.indexOf(entry);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(new Error('AbortError'));
          }
        });
        pump(name);
      });
    },
  };
}
