/**
 * [ENG-STREAM-7] Positions written behind. A session whose connect is held on this node (a
 * WebSocket or a stream) is given deliveries many times a second; writing its position at each take
 * would be one Redis write per session per publish again. Its positions are written every
 * FLUSH_MS instead, for all such sessions in one script, and at once when another node claims the
 * session: that node waits for them (the claim's hand-over) before it reads where the session is.
 */
import type { Attachment } from './attachment.js';
import type { Reply } from './replies.js';

/** How long positions of held sessions may wait: what a node killed (-9) may deliver again. */
export const FLUSH_MS = 1000;

/** A node that claimed a session waits this long at most for the node before (it may be gone). */
const HAND_OVER_MS = 500;

export class PositionWriter {
  private readonly dirty = new Set<Attachment>();
  private readonly waiting = new Map<string, () => void>();

  constructor(
    /** Runs TAKE_STREAM with these arguments (no queue read). */
    private readonly write: (args: (string | number)[]) => Promise<Reply>,
    /** Tells `node` that this node wrote the positions of `clientId`. */
    private readonly tell: (node: string, clientId: string) => Promise<unknown>,
  ) {}

  later(a: Attachment): void {
    if (a.given.size > 0) this.dirty.add(a);
  }

  /** Writes the positions waiting (of every session, or of `only`) in one script. */
  async flush(only?: Attachment): Promise<void> {
    const sessions = only ? (this.dirty.delete(only) ? [only] : []) : [...this.dirty];
    if (!only) this.dirty.clear();
    const args: (string | number)[] = [];
    for (const a of sessions) {
      const positions = a.positions();
      if (positions.length > 0) args.push(a.clientId, '0', positions.length / 2, ...positions);
    }
    if (args.length > 0) await this.write(args);
  }

  /** `node` claimed a session this node may have positions of: written first, then `node` is told. */
  async handOver(a: Attachment | undefined, clientId: string, node: string): Promise<void> {
    try {
      if (a) await this.flush(a);
    } finally {
      await this.tell(node, clientId);
    }
  }

  /** Before claiming: `wait()` resolves once the node that had the session wrote its positions. */
  expect(clientId: string): { wait(): Promise<void>; cancel(): void } {
    let arrived = false;
    let resolve: (() => void) | undefined;
    this.waiting.set(clientId, () => {
      arrived = true;
      resolve?.();
    });
    const cancel = (): void => {
      this.waiting.delete(clientId);
    };
    const wait = (): Promise<void> =>
      new Promise<void>((done) => {
        if (arrived) return done();
        resolve = done;
        setTimeout(done, HAND_OVER_MS).unref();
      }).finally(cancel);
    return { wait, cancel };
  }

  arrived(clientId: string): void {
    this.waiting.get(clientId)?.();
  }
}
