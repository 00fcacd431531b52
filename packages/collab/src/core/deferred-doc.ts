/**
 * [COLLAB-37] The authority's copy of a room's document, brought up to date when it is read rather
 * than once per stored update. Applying an update is mostly the cost of its transaction (cleanup,
 * garbage collection of the delete set, state vectors): one small edit alone costs ~40 µs, the
 * same edit among twenty applied in one transaction ~4 µs (yjs 13.6, a 50-editor text). A busy
 * room is read far less often than it is written — a member's sync step 1, a snapshot — so its
 * updates wait here, already checked and accepted (relayed, their append queued: COLLAB-4), and
 * are applied together by the next read.
 */
import * as Y from 'yjs';
import { endOfTurn } from './update-relay.js';

/**
 * Past this many waiting updates they are applied at the end of the turn, so no read has a long
 * backlog to apply and no apply holds the event loop long: a transaction of 64 small updates costs
 * about what 256 cost each (~12 µs an update, yjs 13.6, a 50-editor text), in a quarter of the pause.
 */
export const MAX_WAITING = 64;

/** Frozen: a push that forgot to replace it throws. */
const NONE = Object.freeze([]) as unknown as Uint8Array[];

export class DeferredDoc {
  private readonly current = new Y.Doc();
  /** Shared NONE while nothing waits: an idle room keeps no empty array of its own. */
  private waiting: Uint8Array[] = NONE;
  /** An apply is scheduled for the end of this turn. */
  private applying = false;

  /**
   * `origin`: the transaction origin of every apply; `onError`: an update Yjs threw on, told the
   * origin too, so one function can serve every room (a closure per room was kept by each idle one).
   */
  constructor(
    private readonly origin: unknown,
    private readonly onError: (thrown: unknown, origin: unknown) => void,
  ) {}

  /** The document with every update added so far applied. */
  get doc(): Y.Doc {
    if (this.waiting.length > 0) this.applyWaiting();
    return this.current;
  }

  /** The document as it is, waiting updates not applied (to listen to it, or to destroy it). */
  get raw(): Y.Doc {
    return this.current;
  }

  /**
   * An update already checked (COLLAB-12) and accepted (COLLAB-4: relayed, its append queued), to be
   * applied by the next read.
   * A backlog past MAX_WAITING is applied at the end of the turn, not here: the caller is relaying
   * the same update, and its frames to every member go out first (the members' wait is the latency).
   */
  add(update: Uint8Array): void {
    if (this.waiting === NONE) this.waiting = [update];
    else this.waiting.push(update);
    if (this.waiting.length < MAX_WAITING || this.applying) return;
    this.applying = true;
    void endOfTurn().then(() => {
      this.applying = false;
      if (this.waiting.length > 0 && !this.current.isDestroyed) this.applyWaiting();
    });
  }

  /** Drops what waits and destroys the document (the room is closed). */
  destroy(): void {
    this.waiting = NONE;
    this.current.destroy();
  }

  private applyWaiting(): void {
    const updates = this.waiting;
    this.waiting = NONE;
    try {
      this.current.transact(() => {
        for (const update of updates) Y.applyUpdate(this.current, update, this.origin);
      }, this.origin);
    } catch (thrown) {
      // Decoded before it was accepted, so Yjs should not throw here; if it does, the store still
      // holds the update and the next load applies it again.
      this.onError(thrown, this.origin);
    }
  }
}
