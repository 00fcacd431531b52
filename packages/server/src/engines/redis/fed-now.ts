/**
 * [ENG-STREAM-6] The sessions a stream's feed woke in this event-loop iteration. Their takes in it
 * (the ones the feed's wake-ups caused: a flow takes at once, or in this iteration's check phase)
 * need no barrier: they know of no later publish. Forgotten after those takes.
 */
export class FedNow {
  private readonly ids = new Set<string>();
  private clearing = false;

  /** Before the session's watcher is called (it may take at once). */
  add(clientId: string): void {
    this.ids.add(clientId);
  }

  has(clientId: string): boolean {
    return this.ids.has(clientId);
  }

  /** Once a feed message's watchers were called: after the takes they scheduled (setImmediate is FIFO), all are forgotten. */
  settle(): void {
    if (this.ids.size === 0 || this.clearing) return;
    this.clearing = true;
    setImmediate(() => {
      this.ids.clear();
      this.clearing = false;
    });
  }
}
