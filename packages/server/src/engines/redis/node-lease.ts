import { createLogger } from '../../core/log.js';
import type { RedisLink } from './link.js';
import type { Reply } from './replies.js';
import { HOLD, LISTEN } from './scripts.js';

const log = createLogger('redis');

/** What the node holds and listens to now, and where the channels its writes added go. */
export interface LeaseHolder {
  holding(): string[];
  listening(): string[];
  added(channels: Reply): void;
}

/**
 * [REDIS-3][REDIS-4] This node's lease as its own writes see it. Each write that renews it (the
 * period's UPKEEP, a HOLD, a LISTEN) says whether it was there. The first that finds it gone holds
 * and listens again, whichever write that is: a sweep took the node for gone after a pause longer
 * than the lease and let go of the sessions it held and the patterns it listened to. (When only the
 * period looked, a hold sent first — a request handled before the timer — renewed the lease, and
 * the period then took the node for never gone: its other sessions were pruned while it still
 * held their connects, and its listeners heard nothing more.) The node's very first write finds no
 * lease either: that is a start, not a return. A hold or listen that failed is sent again, with all
 * the others, after the next renewal: otherwise a session whose hold was lost to a moment without
 * Redis would be pruned while this node held its connect.
 */
export class NodeLease {
  private started = false;
  /** A hold or a listen failed (Redis out of reach a moment): the next renewal sends them all again. */
  private missed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly node: string,
    private readonly holder: LeaseHolder,
  ) {}

  /** [SESS-3] The node holds a connect of these sessions now. */
  hold(ids: readonly string[]): void {
    this.renewing(this.link.run(HOLD, [this.node, ...ids]), 'hold');
  }

  /** [REDIS-3] The node listens to these patterns now. */
  listen(patterns: readonly string[]): void {
    for (const reply of this.link.runBatched(LISTEN, [this.node], patterns)) this.renewing(reply, 'listen');
  }

  /** A renewing write's flag: 1 when the lease was not there. */
  renewed(absent: Reply): void {
    const again = (this.started && Number(absent) === 1) || this.missed;
    this.started = true;
    if (!again) return;
    this.missed = false;
    const holding = this.holder.holding();
    if (holding.length > 0) this.hold(holding);
    this.listen(this.holder.listening());
  }

  /** HOLD's and LISTEN's reply: {1 when the lease was not there, channels added}. */
  private renewing(reply: Promise<Reply>, what: string): void {
    reply
      .then((r) => {
        const [absent, added] = Array.isArray(r) ? (r as Reply[]) : [];
        this.holder.added(added);
        this.renewed(absent);
      })
      .catch((err: unknown) => {
        this.missed = true;
        log.warn(`${what} failed (sent again after the next renewal)`, err);
      });
  }
}
