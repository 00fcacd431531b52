/**
 * [REDIS-12] Scripts refused because their slot is in transit are sent again, in the order they
 * were first sent, until the slot has settled or their patience runs out.
 *
 * While `redis-cli --cluster reshard` (or a failover) moves a slot, Redis refuses a script on it
 * before running it: MOVED or ASK (another master has it, or is taking it), TRYAGAIN (its keys are
 * split between the two masters), CLUSTERDOWN. ioredis follows these for a command sent alone, but
 * the command client auto-pipelines, and ioredis sends a pipeline again only when every command in
 * it got the same error and the others were read-only: a script refused in a pipeline shared with
 * other masters' work came back as an error, and the publish failed (`503::engine_unavailable`),
 * 122 of 160 publishes in a 2.4 s half-moved window (test/cluster/redis-cluster-reshard.test.ts). Nor
 * did ioredis read the slot map again then, so the next scripts went to the old master too.
 *
 * A refused script never ran, so sending it again is safe. Order is what needs care: a publisher's
 * publishes to one channel keep their order. So the scripts of one lane (a stream, or the control
 * slot) that were refused, and every script of that lane issued while any wait, go one at a time in
 * the order they were issued; once the queue is empty the lane is open again.
 */
import type { Reply } from './replies.js';

/** A refusal that says the slot is, for now, somewhere else or nowhere: the script did not run. */
export function refusedInTransit(err: unknown): boolean {
  return err instanceof Error && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) |^Too many Cluster redirections/.test(err.message);
}

export interface TransitOptions {
  /** Reads the slot map again (a pipeline that came back refused left ioredis's as it was). */
  refresh(): Promise<void>;
  /** How long after it was first refused (or queued) a script is still sent again; then its error stands. */
  patienceMs: number;
  /** The first wait before sending again, doubled on each refusal up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

interface Waiting {
  readonly seq: number;
  readonly send: () => Promise<Reply>;
  readonly since: number;
  resolve(reply: Reply): void;
  reject(err: unknown): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export class SlotTransit {
  private seq = 0;
  /** Lanes with scripts waiting, each queue in the order its scripts were issued. */
  private readonly lanes = new Map<string, Waiting[]>();
  private readonly now: () => number;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  /** Scripts sent again, for tests and diagnostics. */
  retried = 0;

  constructor(private readonly options: TransitOptions) {
    this.now = options.now ?? Date.now;
    this.firstDelayMs = options.firstDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 400;
  }

  /** Scripts of lanes now waiting (0 when every slot is settled). */
  get waiting(): number {
    let n = 0;
    for (const queue of this.lanes.values()) n += queue.length;
    return n;
  }

  run(lane: string, send: () => Promise<Reply>): Promise<Reply> {
    const seq = ++this.seq;
    // Behind the lane's refused scripts: sent now, it could overtake them.
    if (this.lanes.has(lane)) return this.enqueue(lane, seq, send);
    return send().catch((err: unknown) => {
      if (!refusedInTransit(err)) throw err;
      return this.enqueue(lane, seq, send);
    });
  }

  private enqueue(lane: string, seq: number, send: () => Promise<Reply>): Promise<Reply> {
    let queue = this.lanes.get(lane);
    const fresh = queue === undefined;
    if (!queue) this.lanes.set(lane, (queue = []));
    const q = queue;
    const p = new Promise<Reply>((resolve, reject) => {
      // By issue order: a script sent just before the first refusal may come back refused after
      // scripts issued later were queued.
      const w: Waiting = { seq, send, since: this.now(), resolve, reject };
      let i = q.length;
      while (i > 0 && q[i - 1]!.seq > seq) i--;
      q.splice(i, 0, w);
    });
    if (fresh) void this.drain(lane, q);
    return p;
  }

  /** Sends the lane's scripts again, one at a time, each once the one before it is answered. */
  private async drain(lane: string, queue: Waiting[]): Promise<void> {
    let delay = this.firstDelayMs;
    let moved = true;
    while (queue.length > 0) {
      if (delay > 0) await sleep(delay);
      if (moved) await this.options.refresh();
      const head = queue[0]!;
      this.retried++;
      // Taken out by identity, not as the first: a refusal of an earlier script, slow to come back,
      // may have been put before it while it was on its way.
      const done = (): void => void queue.splice(queue.indexOf(head), 1);
      try {
        head.resolve(await head.send());
        done();
        delay = 0;
        moved = false;
      } catch (err) {
        if (refusedInTransit(err) && this.now() - head.since < this.options.patienceMs) {
          moved = err instanceof Error && /^MOVED |^Too many Cluster redirections/.test(err.message);
          delay = Math.min(Math.max(delay * 2, this.firstDelayMs), this.maxDelayMs);
          continue;
        }
        head.reject(err);
        done();
      }
    }
    this.lanes.delete(lane);
  }
}
