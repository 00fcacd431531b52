/**
 * [ENG-STREAM-7][ENG-STREAM-8] Where a node's attached sessions stand, written per node rather
 * than per session. A session attached here and given its deliveries many times a second writes no
 * position of its own: once every POSITIONS_MS the node writes, per stream it follows, the least
 * position any session attached here has been given (one hash: O(streams), not O(sessions)). The
 * positions a session had when it attached are stamped with this node and the first generation of
 * that hash that counts it, so a node taking over from this one, should it die, can use the hash
 * as a floor: deliveries given after the last write may come again, never fewer. A session let go
 * (idle, claimed by another node) gets its own positions written, unstamped. When another node
 * claims a session, this node writes what it gave out and says so; the claiming node waits for
 * that (HAND_OVER_MS at most, for a node that is gone) and then reads the positions.
 */
import type { Attachment } from './attachment.js';
import { formatPosition, type Position } from './stream-entry.js';
import type { Reply } from './replies.js';

/** How often a node writes its per-stream positions: what a node killed (-9) may deliver again. */
export const POSITIONS_MS = 1000;

/** A node that claimed a session waits this long at most for the node before (it may be gone). */
const HAND_OVER_MS = 500;

export interface PositionLink {
  /** Runs NODE_POSITIONS with these arguments (after the node). */
  nodePositions(args: (string | number)[]): Promise<Reply>;
  /** Runs TAKE_STREAM with these arguments (no queue read): a session's own positions. */
  own(args: (string | number)[]): Promise<Reply>;
  /** Tells `node` that this node wrote the positions of `clientId`. */
  tell(node: string, clientId: string): Promise<unknown>;
}

/** A write of the node's positions, computed and not yet sent. */
export interface DuePositions {
  args: (string | number)[];
  settle(written: boolean): void;
}

/** A stamp handed to an attach or a subscribe in flight; `done()` once its attachment follows. */
export interface Stamp {
  stamp: string;
  done(): void;
}

export class PositionWriter {
  /** Generations computed so far (the hash written last carries the last one). */
  private computed = 0;
  /** Generation → attaches and subscribes in flight stamped before it was computed. */
  private readonly inFlight = new Map<number, number>();
  /** Sessions let go whose own positions are not written yet: still floors here. */
  private readonly orphans = new Map<string, Attachment>();
  private readonly waiting = new Map<string, (node: string) => void>();
  /** The last hash written was empty (none is, at first): an idle node writes nothing. */
  private empty = true;
  /** A stamp was handed out since the last write: the next hash must carry a later generation. */
  private touched = false;
  /** The pairs of the last hash written, and when (ms): an unchanged hash is not written again. */
  private lastPairs = '';
  private lastWrite = 0;
  /** The node is closing: it has let its sessions go without writing their own positions. */
  private stopped = false;

  constructor(
    private readonly nodeId: string,
    private readonly link: PositionLink,
    /** How long the hash outlives this node: sessions not back by then are pruned anyway. */
    private readonly ttlMs: () => number,
  ) {}

  /** The stamp of positions written now by a session already followed here (a take's). */
  current(): string {
    this.touched = true;
    return `${this.computed + 1}.${this.nodeId}`;
  }

  /**
   * A stamp for an attach or subscribe about to be sent. Until `done()`, no hash of a later
   * generation is written: one must never leave out a session whose stored positions it covers.
   */
  stamp(): Stamp {
    const c = this.computed;
    this.touched = true;
    this.inFlight.set(c, (this.inFlight.get(c) ?? 0) + 1);
    let open = true;
    return {
      stamp: `${c + 1}.${this.nodeId}`,
      done: () => {
        if (!open) return;
        open = false;
        const n = (this.inFlight.get(c) ?? 1) - 1;
        if (n > 0) this.inFlight.set(c, n);
        else this.inFlight.delete(c);
      },
    };
  }

  /** A session this node attached, let go (or dropped on an error): a floor until its own positions are written. */
  orphan(a: Attachment): void {
    this.orphans.set(a.clientId, a);
  }

  /** The session is attached here again (stamped anew). */
  adopted(clientId: string): void {
    this.orphans.delete(clientId);
  }

  /** Writes this node's per-stream positions (and the orphans' own ones) in one script. */
  async flush(attached: Iterable<Attachment>): Promise<void> {
    const due = this.due(attached);
    if (!due) return;
    try {
      await this.link.nodePositions(due.args);
    } catch (err) {
      due.settle(false);
      throw err;
    }
    due.settle(true);
  }

  /**
   * The next write of this node's positions, if one is due: NODE_POSITIONS's arguments (after the
   * node), to send alone (flush) or with the period's upkeep (one script: ENG-STREAM-8), and
   * `settle` once Redis answered (true) or the script failed (false: written again next time).
   */
  due(attached: Iterable<Attachment>): DuePositions | undefined {
    const floors = new Map<string, Position | null>();
    const orphans = [...this.orphans.values()];
    for (const source of [attached, orphans]) {
      for (const a of source) {
        for (const [pattern, at] of a.floors()) {
          const floor = floors.get(pattern);
          if (floor === undefined) floors.set(pattern, at);
          // Sessions in different epochs of one stream: no floor for it (they use their own).
          else if (floor !== null && floor.epoch !== at.epoch) floors.set(pattern, null);
          else if (floor !== null && at.offset < floor.offset) floors.set(pattern, at);
        }
      }
    }
    const pairs: string[] = [];
    for (const [pattern, at] of floors) if (at) pairs.push(pattern, formatPosition(at));
    if (pairs.length === 0 && orphans.length === 0 && this.empty) return undefined;
    // Nothing moved and nothing stamped since the last write, which is far from expiring: the hash
    // in Redis already says this (an idle node's sessions cost Redis nothing per second).
    const key = pairs.join('\n');
    if (!this.touched && orphans.length === 0 && key === this.lastPairs && Date.now() - this.lastWrite < this.ttlMs() / 2) return undefined;
    const gen = ++this.computed;
    for (const c of this.inFlight.keys()) if (c < gen) return undefined;
    this.touched = false;
    const args: (string | number)[] = [gen, this.ttlMs(), pairs.length / 2, ...pairs];
    for (const a of orphans) {
      const own = a.ownPositions();
      args.push(a.clientId, own.length / 2, ...own);
    }
    const settle = (written: boolean): void => {
      if (!written) {
        this.touched = true;
        return;
      }
      this.lastPairs = key;
      this.lastWrite = Date.now();
      this.empty = pairs.length === 0;
      for (const a of orphans) if (this.orphans.get(a.clientId) === a) this.orphans.delete(a.clientId);
    };
    return { args, settle };
  }

  /**
   * `node` claimed a session this node may have. If it claimed it from this node (`answer`), this
   * node's own positions for it are written first, then `node` is told (one answer per claim, not
   * one per node). Claimed from another node, what this node kept of the session is older than
   * that node's turn with it: written now, it would take the session back to where it was here,
   * and it would be given again what it had since (three nodes or more). It is dropped.
   */
  async handOver(a: Attachment | undefined, clientId: string, node: string, answer: boolean): Promise<void> {
    // Closing: saying "written" now would make `node` skip this node's per-stream positions (its
    // floor for the session, written at close) and give again what this node gave. Silent, `node`
    // waits HAND_OVER_MS and uses them.
    if (this.stopped) return;
    const orphan = this.orphans.get(clientId);
    if (!answer) {
      if (orphan) this.orphans.delete(clientId);
      return;
    }
    const had = a ?? orphan;
    try {
      // [ENG-STREAM-9] An ack session's own positions may stand past a batch not acknowledged: the
      // next node goes on from its turn's or its own record, with the client's ack.
      const own = had && !had.ack ? had.ownPositions(true) : [];
      if (own.length > 0) await this.link.own([clientId, '0', own.length / 3, ...own]);
    } finally {
      await this.link.tell(node, clientId);
    }
  }

  /** The node closes: from now on it answers no hand-over (handOver). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Before claiming: `wait(node)` resolves true once `node`, the one that had the session, wrote
   * its positions, false after a timeout. An answer from another node (to an earlier claim of the
   * session) says nothing of `node`'s writes: it is not taken for `node`'s.
   */
  expect(clientId: string): { wait(node: string): Promise<boolean>; cancel(): void } {
    const answered = new Set<string>();
    let from: string | undefined;
    let resolve: ((told: boolean) => void) | undefined;
    this.waiting.set(clientId, (node) => {
      answered.add(node);
      if (node === from) resolve?.(true);
    });
    const cancel = (): void => {
      this.waiting.delete(clientId);
    };
    const wait = (node: string): Promise<boolean> =>
      new Promise<boolean>((done) => {
        if (answered.has(node)) return done(true);
        from = node;
        resolve = done;
        setTimeout(() => done(false), HAND_OVER_MS).unref();
      }).finally(cancel);
    return { wait, cancel };
  }

  /** `node` answered a claim of `clientId` (handOver): its positions for it are written. */
  arrived(clientId: string, node: string): void {
    this.waiting.get(clientId)?.(node);
  }
}
