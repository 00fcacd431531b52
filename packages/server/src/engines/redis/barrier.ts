/**
 * [ENG-STREAM-6] A take must see every publish Redis ran before it, but publishes reach this node
 * on its subscriber connection, not with the publish's reply. Redis sends a subscriber its
 * messages in the order it ran the commands, so a token this node PUBLISHes to itself arrives after
 * everything published before it: once it is back, the feeds are up to date. One token per turn
 * of takes, however many sessions take in it.
 */
import type { Redis } from 'ioredis';

/** A subscriber connection that is away never brings the token back: the take goes on after this. */
const BARRIER_TIMEOUT_MS = 1000;

export class Barrier {
  private sent = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(
    private readonly cmd: Redis,
    /** This node's own channel, subscribed on the subscriber connection. */
    readonly channel: string,
  ) {}

  /** Resolves once every message published before the call has reached this node (or after a timeout). */
  pass(): Promise<void> {
    const token = ++this.sent;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.release(token), BARRIER_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
      this.cmd.publish(this.channel, String(token)).catch(() => this.release(token));
    });
  }

  /** A token came back: it and every one sent before it are through. */
  arrived(text: string): void {
    const token = Number(text);
    for (const waiting of [...this.waiting.keys()]) if (waiting <= token) this.release(waiting);
  }

  private release(token: number): void {
    const done = this.waiting.get(token);
    this.waiting.delete(token);
    done?.();
  }
}
