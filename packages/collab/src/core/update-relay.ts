/**
 * [COLLAB-36] How a room's accepted updates reach its members: merged into as few `room-update`s as
 * the room's pace allows. Per delivered update, writing a frame to each member is most of what a busy
 * room costs the server, so updates accepted together (one batch, COLLAB-19) — and, with a window,
 * updates accepted within it — go out as one update, one frame per member.
 */
import * as Y from 'yjs';
import type { Clock, TimerHandle } from './clock.js';

/** The origin of an update merged from several senders' updates: no member's connection. */
export const MERGED_ORIGIN = '*';

/**
 * The end of the current turn of the event loop: every socket read in this turn has been handled
 * by then. `setImmediate` where there is one (Node), else a zero timeout (browsers, tests of the core).
 */
export function endOfTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * The origin of a relay of updates from `senders` (added to what `origin` already covers): the one
 * sender, or MERGED_ORIGIN once there are several. Undefined only when there is no sender at all.
 */
export function relayOrigin(senders: Iterable<string>, origin?: string): string | undefined {
  for (const sender of senders) {
    if (origin === undefined) origin = sender;
    else if (sender !== origin) return MERGED_ORIGIN;
  }
  return origin;
}

export interface UpdateRelayOptions {
  clock: Clock;
  /**
   * At most one relay per this many ms: an update accepted after a quiet spell goes at once, one
   * accepted sooner waits for the window's end with whatever else arrives (default 0: at once).
   */
  windowMs: number;
  send: (update: Uint8Array, origin: string) => void;
}

export class UpdateRelay {
  private updates: Uint8Array[] = [];
  /** The one sender of what is held, or MERGED_ORIGIN once there are several. */
  private origin: string | undefined;
  private timer: TimerHandle | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: UpdateRelayOptions) {}

  /**
   * One accepted batch, relayed before it is stored (COLLAB-4): `update` (already merged) and the
   * connections it came from. A sender skips a relay with its own origin (COLLAB-4); one merged
   * from several senders has no member's origin, and each sender applies its own part again, which
   * changes nothing (Yjs updates are idempotent).
   */
  add(update: Uint8Array, senders: Iterable<string>): void {
    this.origin = relayOrigin(senders, this.origin);
    this.updates.push(update);
    if (this.timer !== undefined) return;
    const { clock, windowMs } = this.options;
    const wait = this.lastSentAt + windowMs - clock.now();
    if (windowMs <= 0 || wait <= 0) return this.flush();
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Sends what is held now (the room is closing, or the window ended). */
  flush(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const { updates, origin } = this;
    if (updates.length === 0 || origin === undefined) return;
    this.updates = [];
    this.origin = undefined;
    this.lastSentAt = this.options.clock.now();
    this.options.send(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), origin);
  }

  /** Drops what is held and its timer (the room is gone). */
  stop(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.updates = [];
    this.origin = undefined;
  }
}
