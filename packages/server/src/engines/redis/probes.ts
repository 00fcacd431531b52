/**
 * [REDIS-11] Whether this node's pub/sub subscriptions deliver: a probe is a message the node
 * publishes on one of its own channels and waits to get back. A subscription that Redis holds on a
 * connection this node does not listen to (seen on a Redis Cluster mid-resharding: ioredis sent an
 * SSUBSCRIBE answered MOVED again on a pooled command connection and reported it subscribed, and
 * every publish after never reached the node) is found so.
 * Every node receives the others' probes on the channels they share and drops them (`isProbe`).
 */
import { randomBytes } from 'node:crypto';

const MARK = '?probe ';

/** Whether a pub/sub message is a probe (any node's): never a delivery, a token or a notice, which never start with '?'. */
export const isProbe = (text: string): boolean => text.startsWith(MARK);

export class Probes {
  /** This node's own mark: another node's probe with the same number is not this one's. */
  private readonly own = `${MARK}${randomBytes(6).toString('hex')} `;
  private sent = 0;
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly publish: (channel: string, text: string) => Promise<unknown>) {}

  /** Resolves true once a probe published now on `channel` comes back, false after `ms` (or if the publish failed). */
  send(channel: string, ms: number): Promise<boolean> {
    const text = `${this.own}${++this.sent}`;
    const key = `${channel}\n${text}`;
    return new Promise<boolean>((resolve) => {
      const done = (back: boolean): void => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(back);
      };
      const timer = setTimeout(() => done(false), ms);
      timer.unref();
      this.waiting.set(key, () => done(true));
      this.publish(channel, text).catch(() => done(false));
    });
  }

  /** A pub/sub message came: one of this node's probes is answered (others are left for `isProbe` to drop). */
  arrived(channel: string, text: string): void {
    if (text.startsWith(this.own)) this.waiting.get(`${channel}\n${text}`)?.();
  }
}
