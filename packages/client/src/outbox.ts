/**
 * Messages waiting to leave together: inside `batch(fn)` (nested or not) they are held, and leave
 * in one send when the outermost batch ends (CLI-6); outside a batch each leaves at once. A batch
 * whose JSON passes MAX_SEND_BYTES leaves in as few sends as keep under it, in order (CLI-40).
 */

/**
 * [CLI-40] The most JSON (in characters) that messages gathered by the client put into one send.
 * A server refuses a body or frame over its limit (Kuiper's default: 1 MiB) and then every message
 * in it fails, and fails again when resent together: a member's large edit, queued while offline
 * as 256 KiB chunks, never got through. One message larger than this still goes, alone.
 */
export const MAX_SEND_BYTES = 256 * 1024;

/** `items` cut, in order, into runs whose sizes add up to at most `max` (a run holds one item at least). */
export function splitBySize<T>(items: T[], size: (item: T) => number, max: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (run.length > 0 && bytes + n > max) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += n;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

const jsonSize = (item: unknown): number => JSON.stringify(item).length;

export class Outbox<T> {
  private items: T[] = [];
  private depth = 0;

  constructor(private readonly send: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.depth === 0) this.flush();
  }

  batch(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.items.length === 0) return;
    const items = this.items.splice(0);
    // A lone message needs no measuring: it goes as it is, whatever its size.
    if (items.length === 1) return this.send(items);
    for (const run of splitBySize(items, jsonSize, MAX_SEND_BYTES)) this.send(run);
  }
}
