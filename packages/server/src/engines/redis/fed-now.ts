/**
 * [ENG-STREAM-6] The sessions a stream's feed woke in this event-loop iteration. Their takes in it
 * (the ones the feed's wake-ups caused: a flow takes at once, or in this iteration's check phase)
 * need no barrier: they know of no later publish. Forgotten after those takes.
 * A mark on the session's own state, not a set of ids: a feed message marks every session it wakes
 * on this node, and a Set filled and cleared per message cost ~0.4 µs a session (its growth).
 */
export interface Fed {
  /** The mark of the iteration that last fed it. */
  fedIn: number;
}

export class FedNow {
  /** This iteration's mark: a new one once its takes are done, which unmarks every session at once. */
  private mark = 1;
  private marked = false;
  private clearing = false;

  /** Before the session's watcher is called (it may take at once). */
  add(session: Fed): void {
    session.fedIn = this.mark;
    this.marked = true;
  }

  has(session: Fed): boolean {
    return session.fedIn === this.mark;
  }

  /** Once a feed message's watchers were called: after the takes they scheduled (setImmediate is FIFO), all are forgotten. */
  settle(): void {
    if (!this.marked || this.clearing) return;
    this.clearing = true;
    setImmediate(() => {
      this.mark++;
      this.marked = false;
      this.clearing = false;
    });
  }
}
