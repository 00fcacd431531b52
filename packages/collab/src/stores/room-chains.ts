/**
 * Work on a room run one piece after another, rooms independent: each store's read-then-write steps
 * (a room's asset sum on LevelDB, a chat message's compare-and-set on Redis) never race themselves
 * within one process. A failed piece does not stop the next; a room with nothing queued holds nothing.
 */
export class RoomChains {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once the room's earlier work has settled; resolves or rejects as `work` does. */
  run<T>(room: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(room) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(room, tail);
    void tail.then(() => this.tails.get(room) === tail && this.tails.delete(room));
    return run;
  }
}
