/**
 * The server's side of one open room (COLLAB-3, COLLAB-6, COLLAB-9..13): the authoritative Y.Doc,
 * its members and their grants, and presence. Transport-free: messages come in as typed values with
 * the sender's connection id, and go out through `sendTo` / `broadcast`.
 *
 * Every update is checked, then relayed to the members, then stored, then acknowledged (COLLAB-4):
 * a relay never waits for the disk, an acknowledged edit is durable, and a refused one touches
 * nothing. The authority's own copy applies it when next read (COLLAB-37).
 */
import * as Y from 'yjs';
import { collabError, describeThrown, fail, ok, type CollabError, type CollabErrorCode, type Result } from '../protocol/errors.js';
import type { ClientMessage, ServerMessage } from '../protocol/messages.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { PresenceRoom } from './presence-room.js';
import { emptySmallMap, type SmallMap, smallMapDelete, smallMapGet, smallMapHas, smallMapKeys, smallMapSet, smallMapSize } from './small-map.js';
import type { DocumentStore, StoredDocument } from './store.js';
import { DeferredDoc } from './deferred-doc.js';
import { endOfTurn, relayOrigin, UpdateRelay } from './update-relay.js';
import { decodeStateVector, updateProblem } from './yjs-checks.js';

export interface RoomAuthorityOptions {
  room: string;
  store: DocumentStore;
  sendTo: (connection: string, message: ServerMessage) => void;
  broadcast: (message: ServerMessage) => void;
  clock?: Clock;
  /** A snapshot is written this long after the last update… (default 2000 ms) */
  snapshotDebounceMs?: number;
  /** …but no later than this after the first unsnapshotted one (default 10000 ms). */
  snapshotMaxWaitMs?: number;
  /** See PresenceRoom. */
  leaveDelayMs?: number;
  /** Called when a background snapshot fails; the update log still holds everything. */
  onError?: (error: CollabError) => void;
  /**
   * [COLLAB-36] At most one `room-update` per this many ms: updates accepted meanwhile go out merged
   * when it ends (default 0: each accepted batch is relayed at once).
   */
  relayWindowMs?: number;
}

export interface MemberGrant {
  /** False for a read-only member: its updates are refused (COLLAB-11). */
  readonly canWrite: boolean;
  /** [CHAT-2] Who the session is in the room's chat (default: the session's `data.user`, else its connection id). */
  readonly user?: { readonly id: string; readonly name?: string };
}

/** A whole-document encoding at least this large is kept for the next joiner and the snapshot. */
export const WHOLE_STATE_CACHE_BYTES = 2048;

/**
 * Shared by every room while it has nothing queued: an idle room keeps no settled promise nor empty
 * array of its own (48 and 32 bytes each, four of them per room). The arrays are frozen: a push
 * that forgot to replace them throws.
 */
const SETTLED: Promise<void> = Promise.resolve();
const NO_UPDATES = Object.freeze([]) as unknown as QueuedUpdate[];
type UnstoredBatch = { readonly merged: Uint8Array; readonly accepted: readonly QueuedUpdate[] };
const NOTHING_UNSTORED = Object.freeze([]) as unknown as UnstoredBatch[];

interface QueuedUpdate {
  readonly connection: string;
  readonly id: string;
  readonly update: Uint8Array;
}

export class RoomAuthority {
  /** [COLLAB-37] Updates are applied when the document is read, several in one transaction. */
  private readonly copy: DeferredDoc;
  readonly presence: PresenceRoom;
  /** The members and their grants, in the order they joined (small-map.ts: one or two in most rooms). */
  private members: SmallMap<MemberGrant> = emptySmallMap();
  private readonly options: RoomAuthorityOptions;
  private readonly clock: Clock;
  private tail: Promise<unknown> = SETTLED;
  private batch: QueuedUpdate[] = NO_UPDATES;
  private batchDone: Promise<void> = SETTLED;
  /** Batches relayed and applied, not yet stored (COLLAB-4): the next append takes them all. */
  private unstored: UnstoredBatch[] = NOTHING_UNSTORED;
  /** An append failed after its relay: the document holds what the log lacks until a snapshot. */
  private unsnapshotted = false;
  private lastSeq = 0;
  /**
   * [COLLAB-30] The seq up to which this copy holds every stored update. An append numbered past
   * lastSeq + 1 means another node stored updates this copy never applied: two authorities for a
   * moment (a node back from a pause longer than its lease). A snapshot drops the log entries it
   * covers, so it covers no more than this; the room's next load applies the rest.
   */
  private completeSeq = 0;
  private snapshotSeq = 0;
  private firstDirtyAt: number | undefined;
  private lastDirtyAt = 0;
  private timer: TimerHandle | undefined;
  private closed = false;
  /** [COLLAB-36] Only with a relay window: without one each batch is broadcast as it is accepted. */
  private readonly relay: UpdateRelay | undefined;
  /**
   * The whole document as one update, with its state vector: what sync step 2 sends a member that
   * has nothing yet (every late joiner). Encoded once per state of the document, not once per
   * joiner: a 500 KiB document takes tens of milliseconds to encode. Any transaction forgets it.
   */
  private wholeState: { readonly update: Uint8Array; readonly stateVector: Uint8Array } | undefined;

  /**
   * Loads the room from the store. A failed or corrupt load is an error value and the store is not
   * written — an empty document never replaces what is stored (COLLAB-13).
   */
  static async load(options: RoomAuthorityOptions): Promise<Result<RoomAuthority>> {
    const authority = new RoomAuthority(options);
    try {
      const stored = await options.store.load(options.room);
      const applied = authority.applyStored(stored);
      if (!applied.ok) return fail(applied.error.code, applied.error.message);
      const { parts, through } = applied.value;
      authority.snapshotSeq = stored.snapshotSeq;
      authority.lastSeq = authority.completeSeq = through;
      // [COLLAB-40] A small snapshot and nothing after it: the document sleeps from the start, as
      // those bytes (applied above, so they are known to apply when it wakes).
      const [only] = parts;
      if (parts.length === 1 && stored.snapshot && only!.byteLength < WHOLE_STATE_CACHE_BYTES) authority.copy.sleep(only!, authority.copy.version);
    } catch (thrown) {
      return fail('load_failed', `room ${options.room}: ${describeThrown(thrown)}`);
    }
    if (authority.lastSeq > authority.snapshotSeq) authority.scheduleSnapshot();
    return ok(authority);
  }

  private constructor(options: RoomAuthorityOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    // Shared callbacks, not closures per room: an idle room kept each and its context.
    this.copy = new DeferredDoc(this, RoomAuthority.copyFailed);
    const windowMs = options.relayWindowMs ?? 0;
    this.relay = windowMs > 0 ? new UpdateRelay({ clock: this.clock, windowMs, send: (update, origin) => options.broadcast({ type: 'room-update', update, origin }) }) : undefined;
    this.presence = new PresenceRoom(options); // its fields are ours: no second options object per room
  }

  /** An update the copy could not apply (DeferredDoc's callback, told this authority as the origin). */
  private static copyFailed(thrown: unknown, origin: unknown): void {
    const authority = origin as RoomAuthority;
    authority.options.onError?.(collabError('update_invalid', `room ${authority.room}: applying an accepted update: ${describeThrown(thrown)}`));
  }

  get room(): string {
    return this.options.room;
  }

  /** The authoritative document, with every accepted update applied (COLLAB-37). */
  get doc(): Y.Doc {
    return this.copy.doc;
  }

  /** The seq of the last stored update and of the last snapshot (for tests and metrics). */
  get storedSeq(): { readonly last: number; readonly snapshot: number } {
    return { last: this.lastSeq, snapshot: this.snapshotSeq };
  }

  get memberCount(): number {
    return smallMapSize(this.members);
  }

  /** [COLLAB-40] The document sleeps as its encoding, no Y.Doc kept (for tests and metrics). */
  get asleep(): boolean {
    return this.copy.asleep !== undefined;
  }

  /** The members' connections, in the order they joined. */
  connections(): Iterable<string> {
    return smallMapKeys(this.members);
  }

  hasMember(connection: string): boolean {
    return smallMapHas(this.members, connection);
  }

  /** A connection enters with what the room's authorize hook granted; its sync step 1 gets presence. */
  join(connection: string, grant: MemberGrant): void {
    this.members = smallMapSet(this.members, connection, grant);
    this.presence.join(connection);
  }

  /** The server saw the connection go (disconnect, prune, or leaving the room). */
  leave(connection: string): void {
    if (!smallMapHas(this.members, connection)) return;
    this.members = smallMapDelete(this.members, connection);
    this.presence.leave(connection);
  }

  /** Handles one message from `connection`. Never rejects: problems go back to the sender as errors. */
  handle(connection: string, message: ClientMessage): Promise<void> {
    if (message.type === 'update') return this.queueUpdate({ connection, id: message.id, update: message.update });
    return this.enqueue(async () => {
      if (!this.isMember(connection)) return this.refuse(connection, 'not_a_member', `${connection} is not in room ${this.room}`);
      if (message.type === 'sync-1') {
        // [COLLAB-25] Presence goes with every sync step 1's answer, not with the join: a member that
        // re-syncs the same session (messages lost in flight, no ack) must get it again, and a join's
        // snapshot lost in flight would otherwise never come back.
        this.presence.snapshotTo(connection);
        return this.answerSyncStep1(connection, message.stateVector);
      }
      return this.presence.update(connection, message.state);
    });
  }

  /** Resolves once every message and snapshot queued so far has been handled. */
  idle(): Promise<void> {
    return this.enqueue(() => undefined);
  }

  /** Writes a snapshot now if anything is unsnapshotted (also what the debounce timer runs). */
  compact(): Promise<void> {
    return this.enqueue(() => this.writeSnapshot());
  }

  /** Stops timers and writes a final snapshot; the room can then be unloaded. */
  close(): Promise<void> {
    return this.enqueue(async () => {
      this.relay?.flush(); // what a relay window still holds goes before the room does
      this.closed = true;
      this.presence.close();
      await this.writeSnapshot();
      this.copy.destroy();
    });
  }

  private answerSyncStep1(connection: string, stateVector: Uint8Array): void {
    const remote = decodeStateVector(stateVector);
    if (!remote) return this.refuse(connection, 'update_invalid', 'sync step 1 carries a malformed state vector');
    if (remote.size === 0) return this.options.sendTo(connection, { type: 'sync-2', ...this.wholeDocument(), connection });
    // [COLLAB-40] A sleeping document answers from its encoding and sleeps on.
    const asleep = this.copy.asleep;
    if (asleep) return this.options.sendTo(connection, { type: 'sync-2', update: Y.diffUpdate(asleep, stateVector), stateVector: Y.encodeStateVectorFromUpdate(asleep), connection });
    const doc = this.doc;
    const update = Y.encodeStateAsUpdate(doc, stateVector);
    this.options.sendTo(connection, { type: 'sync-2', update, stateVector: Y.encodeStateVector(doc), connection });
  }

  /**
   * The whole document as one update, encoded once per state: sync step 2 to every late joiner, and
   * the snapshot, which is the same bytes (a room's debounced snapshot came due among the joins
   * right after its last edit and encoded the 300 KiB document once more).
   */
  private wholeDocument(): { readonly update: Uint8Array; readonly stateVector: Uint8Array } {
    const asleep = this.copy.asleep; // [COLLAB-40] small: its state vector is read in microseconds
    if (asleep) return { update: asleep, stateVector: Y.encodeStateVectorFromUpdate(asleep) };
    // Read first: applying the waiting updates (COLLAB-37) is a transaction, which forgets `wholeState`.
    const doc = this.doc;
    if (this.wholeState) return this.wholeState;
    const whole = { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
    // Kept only where encoding it again costs something: a small document encodes in microseconds,
    // and an idle room kept its encoding, two arrays and a listener for nothing (~0.8 KiB a room).
    if (whole.update.byteLength >= WHOLE_STATE_CACHE_BYTES) {
      this.wholeState = whole;
      // Any change forgets it; listened to only while it is kept (an idle room keeps no listener).
      doc.once('afterTransaction', () => (this.wholeState = undefined));
    }
    return whole;
  }

  /**
   * Group commit (COLLAB-19): the updates of one turn are checked and relayed together; those
   * relayed while the store is busy wait in `unstored` and are stored by one append (one fsync), so
   * a slow disk bounds the senders' acks, not a room's update rate nor the members' latency.
   */
  private queueUpdate(item: QueuedUpdate): Promise<void> {
    if (this.batch === NO_UPDATES) this.batch = [item];
    else this.batch.push(item);
    // [COLLAB-19] The batch stays open to the end of this turn of the event loop: the updates of
    // every member's frame read in it are checked, relayed and applied together (COLLAB-36). The
    // check runs then whatever the store is doing; the store's turn comes in the queue's order.
    if (this.batch.length === 1) {
      const checked = endOfTurn().then(() => this.relayBatch());
      const done = this.enqueue(() => checked.then(() => this.storeRelayed()));
      this.batchDone = done;
      void done.then(() => {
        if (this.batchDone === done) this.batchDone = SETTLED;
      });
    }
    return this.batchDone;
  }

  /** [COLLAB-4] Checks the turn's batch and relays what it accepts at once, before it is stored. */
  private relayBatch(): void {
    const items = this.batch;
    this.batch = NO_UPDATES;
    const accepted: QueuedUpdate[] = [];
    for (const item of items) {
      const { connection, id, update } = item;
      const grant = this.isMember(connection) ? smallMapGet(this.members, connection) : undefined;
      const problem = grant?.canWrite ? updateProblem(update) : undefined;
      if (!grant) this.refuse(connection, 'not_a_member', `${connection} is not in room ${this.room}`, id);
      else if (!grant.canWrite) this.refuse(connection, 'read_only', `${connection} may read room ${this.room} but not write it`, id);
      else if (problem) this.refuse(connection, 'update_invalid', problem, id);
      else accepted.push(item);
    }
    if (accepted.length === 0) return;
    const merged = accepted.length === 1 ? accepted[0]!.update : Y.mergeUpdates(accepted.map((a) => a.update));
    // [COLLAB-36] The whole batch is one room-update (not one per update), origin kept if one sender.
    const senders = accepted.map((a) => a.connection);
    if (this.relay) this.relay.add(merged, senders);
    else this.options.broadcast({ type: 'room-update', update: merged, origin: relayOrigin(senders)! });
    // After the relay: a backlog the copy applies then waits for the relay's frames (COLLAB-37).
    this.copy.add(merged);
    if (this.unstored === NOTHING_UNSTORED) this.unstored = [{ merged, accepted }];
    else this.unstored.push({ merged, accepted });
  }

  /** Stores every batch relayed so far in one append, then acknowledges each sender (COLLAB-4, COLLAB-13). */
  private async storeRelayed(): Promise<void> {
    const batches = this.unstored;
    if (batches.length === 0) return; // an earlier turn's append took this one's batch along
    this.unstored = NOTHING_UNSTORED;
    const merged = batches.length === 1 ? batches[0]!.merged : Y.mergeUpdates(batches.map((b) => b.merged));
    let seq: number;
    try {
      seq = await this.options.store.appendUpdate(this.room, merged);
    } catch (thrown) {
      for (const b of batches) for (const { connection, id } of b.accepted) this.refuse(connection, 'store_failed', describeThrown(thrown), id);
      // Relayed and applied already: the next snapshot stores it with the rest of the document.
      this.unsnapshotted = true;
      this.scheduleSnapshot();
      return;
    }
    if (seq === this.lastSeq + 1 && this.completeSeq === this.lastSeq) this.completeSeq = seq;
    else if (this.completeSeq === this.lastSeq) {
      this.options.onError?.(collabError('authority_conflict', `room ${this.room}: updates ${this.lastSeq + 1}-${seq - 1} were stored by another node; this copy reads them from the store`));
      void this.enqueue(() => this.catchUp());
    }
    this.lastSeq = seq;
    this.scheduleSnapshot();
    const acks = new Map<string, string[]>();
    for (const b of batches) {
      for (const { connection, id } of b.accepted) {
        const ids = acks.get(connection);
        if (ids) ids.push(id);
        else acks.set(connection, [id]);
      }
    }
    for (const [connection, ids] of acks) this.options.sendTo(connection, { type: 'ack', ids });
  }

  private isMember(connection: string): boolean {
    return !this.closed && smallMapHas(this.members, connection);
  }

  private refuse(connection: string, code: CollabErrorCode, text: string, id?: string): void {
    const error = collabError(code, text);
    this.options.sendTo(connection, id === undefined ? { type: 'error', ...error } : { type: 'error', ...error, id });
  }

  private scheduleSnapshot(): void {
    if (this.closed) return;
    const now = this.clock.now();
    this.firstDirtyAt ??= now;
    this.lastDirtyAt = now;
    // A timer already set checks when it fires whether later updates pushed the snapshot back:
    // re-arming one per update cost 3% of a busy room's server CPU (editors profile, 2026-12-02).
    if (this.timer === undefined) this.armSnapshotTimer();
  }

  /** Fires when the debounce after the last update (or the cap after the first) has passed. */
  private armSnapshotTimer(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      if (this.clock.now() < this.snapshotDue()) return this.armSnapshotTimer();
      void this.compact();
    }, Math.max(0, this.snapshotDue() - this.clock.now()));
  }

  private snapshotDue(): number {
    const debounce = this.options.snapshotDebounceMs ?? 2000;
    const maxWait = this.options.snapshotMaxWaitMs ?? 10_000;
    return Math.min(this.lastDirtyAt + debounce, (this.firstDirtyAt ?? this.lastDirtyAt) + maxWait);
  }

  private async writeSnapshot(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.completeSeq <= this.snapshotSeq && !this.unsnapshotted) return;
    const upTo = this.completeSeq;
    try {
      const { update } = this.wholeDocument();
      const version = this.copy.version;
      await this.options.store.writeSnapshot(this.room, update, upTo);
      this.unsnapshotted = false;
      this.snapshotSeq = upTo;
      this.firstDirtyAt = undefined;
      // [COLLAB-40] Stored and unchanged since: a small document sleeps as its encoding (a large
      // one stays a Y.Doc, whose late joiners are answered from its cached encoding).
      if (!this.closed && update.byteLength < WHOLE_STATE_CACHE_BYTES && this.lastSeq === upTo) this.copy.sleep(update, version);
    } catch (thrown) {
      // Nothing is lost: the log still holds every update; the next update schedules another try.
      this.options.onError?.(collabError('store_failed', `snapshot of room ${this.room}: ${describeThrown(thrown)}`));
    }
  }

  /**
   * [COLLAB-30] Applies what another node stored meanwhile (Yjs applies what it has already as
   * nothing), so this copy, what late joiners get from it, and its snapshots are whole again.
   */
  private async catchUp(): Promise<void> {
    try {
      const applied = this.applyStored(await this.options.store.load(this.room));
      if (!applied.ok) return this.options.onError?.(applied.error);
      const { through } = applied.value;
      if (through < this.lastSeq) return; // a store that went back: the snapshots stay where they are
      this.lastSeq = this.completeSeq = through;
      this.scheduleSnapshot();
    } catch (thrown) {
      this.options.onError?.(collabError('load_failed', `room ${this.room}: reading what another node stored: ${describeThrown(thrown)}`));
    }
  }

  /** A stored document (snapshot, then log) applied in one transaction, all checked first (COLLAB-13): its parts and last seq. */
  private applyStored(stored: StoredDocument): Result<{ parts: Uint8Array[]; through: number }> {
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates.map((u) => u.update)] : stored.updates.map((u) => u.update);
    for (const part of parts) {
      const problem = updateProblem(part);
      if (problem) return fail('load_failed', `room ${this.room}: stored data is corrupt (${problem})`);
    }
    const doc = this.doc;
    doc.transact(() => {
      for (const part of parts) Y.applyUpdate(doc, part, this);
    }, this);
    return ok({ parts, through: stored.updates.at(-1)?.seq ?? stored.snapshotSeq });
  }

  private enqueue<T>(task: () => T | Promise<T>): Promise<void> {
    const run: Promise<void> = this.tail.then(task).then(
      () => this.settled(run),
      (thrown: unknown) => {
        this.options.onError?.(collabError('store_failed', describeThrown(thrown)));
        this.settled(run);
      },
    );
    this.tail = run;
    return run;
  }

  /** The queue ran dry: the room keeps the shared settled promise, not its last task's. */
  private settled(run: Promise<void>): void {
    if (this.tail === run) this.tail = SETTLED;
  }
}
