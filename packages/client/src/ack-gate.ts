/**
 * [CLI-36] A connect acknowledges the last batch taken, so it must not leave before that batch may
 * be acknowledged (a shared leader's broadcast has come back over the bus: otherwise a new leader
 * could find the server already past messages no tab has seen). The wait is bounded: a bus that
 * never echoes must not stall the session.
 */

/** The longest a connect waits; the bus echo normally takes well under a millisecond. */
export const ACK_WAIT_MS = 1_000;

export class AckGate {
  private wait: Promise<void> | undefined;

  constructor(private readonly onTimeout: (waitedMs: number) => void, private readonly maxWaitMs = ACK_WAIT_MS) {}

  /** The next connect waits for `ready`, at most `maxWaitMs`. */
  hold(ready: Promise<void>): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.onTimeout(this.maxWaitMs);
        resolve();
      }, this.maxWaitMs);
      ready.then(resolve, resolve);
    });
    const wait: Promise<void> = bounded.then(() => {
      clearTimeout(timer);
      if (this.wait === wait) this.wait = undefined;
    });
    this.wait = wait;
  }

  /** What a connect must wait for first, or undefined when it may leave now. */
  get pending(): Promise<void> | undefined {
    return this.wait;
  }
}
