/** A tiny listener set: subscribe returns its own unsubscribe, as `useSyncExternalStore` expects. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  subscribe(fn: (value: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }

  emit(value: T): void {
    for (const fn of [...this.set]) fn(value);
  }
}
