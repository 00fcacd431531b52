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
  /** The document, unless it sleeps. */
  private current: Y.Doc | undefined = new Y.Doc();
  /**
   * [COLLAB-40] While it sleeps: the whole document as one update, in place of the Y.Doc (its maps,
   * sets, promises and listeners are ~3 KiB, a small document's update tens of bytes).
   */
  private sleeping: Uint8Array | undefined;
  /** How many updates were ever added: an encoding is of the document only if none came since. */
  private added = 0;
  private destroyed = false;
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
    return this.awake();
  }

  /** The document as it is, waiting updates not applied (to listen to it, or to destroy it). */
  get raw(): Y.Doc {
    return this.awake();
  }

  /** [COLLAB-40] The whole document as one update while it sleeps and nothing waits, else undefined. */
  get asleep(): Uint8Array | undefined {
    return this.waiting.length === 0 ? this.sleeping : undefined;
  }

  /** What `sleep` compares: changes when an update is added. */
  get version(): number {
    return this.added;
  }

  /**
   * [COLLAB-40] Lets go of the Y.Doc and keeps `whole`, the whole document encoded when the version
   * was `version`, if no update came since; the next read of `doc` makes it again from `whole`.
   */
  sleep(whole: Uint8Array, version: number): void {
    if (version !== this.added || this.waiting.length > 0 || !this.current || this.destroyed) return;
    this.current.destroy();
    this.current = undefined;
    this.sleeping = whole;
  }

  /**
   * An update already checked (COLLAB-12) and accepted (COLLAB-4: relayed, its append queued), to be
   * applied by the next read.
   * A backlog past MAX_WAITING is applied at the end of the turn, not here: the caller is relaying
   * the same update, and its frames to every member go out first (the members' wait is the latency).
   */
  add(update: Uint8Array): void {
    this.added++;
    if (this.waiting === NONE) this.waiting = [update];
    else this.waiting.push(update);
    if (this.waiting.length < MAX_WAITING || this.applying) return;
    this.applying = true;
    void endOfTurn().then(() => {
      this.applying = false;
      if (this.waiting.length > 0 && !this.destroyed) this.applyWaiting();
    });
  }

  /** Drops what waits and destroys the document (the room is closed). */
  destroy(): void {
    this.waiting = NONE;
    this.destroyed = true;
    this.current?.destroy();
    this.current = undefined;
    this.sleeping = undefined;
  }

  /** The Y.Doc, made again from the sleeping encoding if it sleeps (or an empty one once destroyed). */
  private awake(): Y.Doc {
    if (this.current) return this.current;
    const doc = new Y.Doc();
    if (this.sleeping) Y.applyUpdate(doc, this.sleeping, this.origin); // our own encoding: it applies
    this.sleeping = undefined;
    if (!this.destroyed) this.current = doc;
    else doc.destroy();
    return doc;
  }

  private applyWaiting(): void {
    const doc = this.awake();
    const updates = this.waiting;
    this.waiting = NONE;
    try {
      doc.transact(() => {
        for (const update of updates) Y.applyUpdate(doc, update, this.origin);
      }, this.origin);
    } catch (thrown) {
      // Decoded before it was accepted, so Yjs should not throw here; if it does, the store still
      // holds the update and the next load applies it again.
      this.onError(thrown, this.origin);
    }
  }
}
