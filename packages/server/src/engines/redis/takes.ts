/**
 * [REDIS-7] Takes issued in the same turn go to Redis as one script call. A publish wakes every
 * subscribed session on a node at once (one notification), and each session's transport then
 * takes its queue: 100 sessions were 100 script calls, each with its own command, reply and
 * promise on the node and its own invocation in Redis. Coalesced, they are one call whose reply
 * is one list per session, in the order asked, so each caller still gets exactly its own queue.
 */
import { list, type Reply } from './replies.js';

interface Waiter {
  resolve(items: Reply): void;
  reject(err: unknown): void;
}

export class TakeCoalescer {
  private ids: string[] = [];
  private waiters: Waiter[] = [];

  constructor(
    /** Takes the queues of `ids` (possibly repeated: a later one then gets what came since). */
    private readonly takeMany: (ids: string[]) => Promise<Reply>,
  ) {}

  take(clientId: string): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.ids.length === 0) queueMicrotask(() => this.flush());
      this.ids.push(clientId);
      this.waiters.push({ resolve, reject });
    });
  }

  private flush(): void {
    const { ids, waiters } = this;
    this.ids = [];
    this.waiters = [];
    this.takeMany(ids).then(
      (reply) => {
        const lists = list(reply);
        waiters.forEach((w, i) => w.resolve(lists[i] ?? []));
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
