/**
 * Messages waiting to leave together: inside `batch(fn)` (nested or not) they are held, and leave
 * in one send when the outermost batch ends (CLI-6); outside a batch each leaves at once.
 */
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
    if (this.items.length > 0) this.send(this.items.splice(0));
  }
}
