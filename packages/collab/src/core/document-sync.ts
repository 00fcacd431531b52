/**
 * The member's side of a shared document (COLLAB-3..5, COLLAB-10): one Y.Doc kept in step with the
 * room's authority over collab messages, whatever carries them.
 *
 * Local edits are sent as updates with an id and stay pending until the server acknowledges that it
 * stored them; remote updates are applied with this object as the transaction origin, so the update
 * listener recognises them and never sends them back. Edits made while disconnected are covered on
 * reconnect by one update computed against the server's state vector.
 */
import * as Y from 'yjs';
import { collabError, describeThrown, type CollabError } from '../protocol/errors.js';
import type { ClientMessage, ServerMessage } from '../protocol/messages.js';
import { Listeners } from './listeners.js';
import { decodeStateVector, hasItemsBeyond } from './yjs-checks.js';

export type SyncStatus = 'synchronizing' | 'synchronized';

export interface DocumentSyncOptions {
  doc?: Y.Doc;
  send: (message: ClientMessage) => void;
  /** Update ids only need to be unique per connection; the default is a counter. */
  newUpdateId?: () => string;
}

/** An update in flight: it carries every local edit numbered `first` or later, up to when it was sent. */
interface Pending {
  readonly first: number;
}

interface FlushWaiter {
  readonly upTo: number;
  resolve(): void;
  reject(error: CollabError): void;
}

export class DocumentSync {
  readonly doc: Y.Doc;
  private readonly send: (message: ClientMessage) => void;
  private readonly newUpdateId: () => string;
  private readonly pending = new Map<string, Pending>();
  private readonly statusListeners = new Listeners<SyncStatus>();
  private readonly errorListeners = new Listeners<CollabError>();
  private waiters: FlushWaiter[] = [];
  /** Local edits are numbered 1, 2, …; flush() waits for the ones made before it was called. */
  private localSeq = 0;
  /** The first local edit not carried by any update in flight (made offline, or lost on disconnect). */
  private unsentFrom: number | undefined;
  private handshakeDone = false;
  private lastStatus: SyncStatus = 'synchronizing';
  private connection: string | undefined;
  private counter = 0;
  private destroyed = false;
  private resolveSynced: () => void = () => undefined;
  /** Resolves once the first handshake is done: the document then holds the server's state. */
  readonly synced: Promise<void> = new Promise((resolve) => (this.resolveSynced = resolve));

  constructor(options: DocumentSyncOptions) {
    this.doc = options.doc ?? new Y.Doc();
    this.send = options.send;
    this.newUpdateId = options.newUpdateId ?? (() => `u${++this.counter}`);
    this.doc.on('update', this.onUpdate);
    // A document that already holds content (restored offline state) has edits the server may lack.
    if (this.doc.store.clients.size > 0) this.unsentFrom = 1;
  }

  get syncStatus(): SyncStatus {
    return this.lastStatus;
  }

  /** A local edit the server has not stored yet: in flight, or made while disconnected. */
  get unsavedEdits(): boolean {
    return this.pending.size > 0 || this.unsentFrom !== undefined;
  }

  /** The connection id the server gave this member in sync step 2. */
  get connectionId(): string | undefined {
    return this.connection;
  }

  /** Ids of updates sent and not yet acknowledged (for tests and diagnostics). */
  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  subscribe(fn: (status: SyncStatus) => void): () => void {
    return this.statusListeners.subscribe(fn);
  }

  onError(fn: (error: CollabError) => void): () => void {
    return this.errorListeners.subscribe(fn);
  }

  /** The transport is up: start the state-vector handshake (sync step 1). */
  connected(): void {
    this.handshakeDone = false;
    this.send({ type: 'sync-1', stateVector: Y.encodeStateVector(this.doc) });
    this.refresh();
  }

  /** The transport is down: updates in flight may be lost, so they are re-covered at the next handshake. */
  disconnected(): void {
    this.handshakeDone = false;
    for (const { first } of this.pending.values()) this.markUnsent(first);
    this.pending.clear();
    this.refresh();
  }

  /** Resolves once every local edit made so far is acknowledged as stored by the server. */
  flush(): Promise<void> {
    const upTo = this.localSeq;
    if (this.flushed(upTo)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
  }

  /** Handles one message from the server; a message it cannot use comes back as an error value. */
  receive(message: ServerMessage): CollabError | undefined {
    switch (message.type) {
      case 'sync-2':
        return this.onSyncStep2(message.update, message.stateVector, message.connection);
      case 'room-update':
        // Our own update comes back on the room channel; we already hold it.
        if (message.origin === this.connection) return undefined;
        // Relayed as its sender sent it, after the server decoded it to accept it (COLLAB-12): no
        // second validating decode on every member for every delivered update.
        return this.applyFromServer(message.update);
      case 'ack':
        for (const id of message.ids) this.pending.delete(id);
        this.settle();
        return undefined;
      case 'error': {
        const error = collabError(message.code, message.message);
        const refused = message.id === undefined ? undefined : this.pending.get(message.id);
        if (refused && message.id !== undefined) {
          this.pending.delete(message.id);
          // The server will never store this edit: flushes that include it fail rather than hang.
          this.waiters = this.waiters.filter((w) => (w.upTo >= refused.first ? (w.reject(error), false) : true));
          this.settle();
        }
        this.errorListeners.emit(error);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.doc.off('update', this.onUpdate);
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return; // applied from the server: never echoed back (COLLAB-5)
    this.localEdit(update);
  };

  private localEdit(update: Uint8Array): void {
    const seq = ++this.localSeq;
    if (this.handshakeDone) this.sendUpdate(update, seq);
    else this.markUnsent(seq);
    this.refresh();
  }

  private onSyncStep2(update: Uint8Array, stateVector: Uint8Array, connection: string): CollabError | undefined {
    const remote = decodeStateVector(stateVector);
    if (!remote) return collabError('update_invalid', 'sync step 2 carries a malformed state vector');
    const error = this.applyFromServer(update);
    if (error) return error;
    this.connection = connection;
    this.handshakeDone = true;
    this.resolveSynced();
    // Send what the server lacks: offline edits, or updates lost in flight when the connection dropped.
    if (this.unsentFrom !== undefined || hasItemsBeyond(this.doc, remote)) {
      this.sendUpdate(Y.encodeStateAsUpdate(this.doc, stateVector), this.unsentFrom ?? this.localSeq + 1);
      this.unsentFrom = undefined;
    }
    this.refresh();
    return undefined;
  }

  /**
   * [COLLAB-12] Sync step 2 is the server's own encoding of its document, built only from updates it
   * decoded before accepting, and a room update is one of those updates: each is applied without a
   * second validating decode (for a late joiner that decode of the whole document cost a third as
   * much again as applying it; for editors it was paid by every member for every delivered update).
   * Bytes Yjs still cannot read are an error value, never a throw.
   */
  private applyFromServer(update: Uint8Array): CollabError | undefined {
    // [COLLAB-5] Our update listener is off while the server's update is applied: Yjs encodes every
    // transaction again for its `update` event whenever anyone listens, and ours would only drop
    // it — for a late joiner that was an encoding of the whole document, a tenth of the apply. A
    // local edit made inside the apply (an observer reacting to the server's change) is still
    // sent: the first one's starting state bounds what the server may lack.
    let localFrom: Map<number, number> | undefined;
    const spy = (transaction: Y.Transaction): void => {
      if (transaction.origin !== this && transaction.local) localFrom ??= transaction.beforeState;
    };
    this.doc.off('update', this.onUpdate);
    this.doc.on('afterTransaction', spy);
    try {
      Y.applyUpdate(this.doc, update, this);
    } catch (thrown) {
      return collabError('update_invalid', `an update from the server: malformed Yjs update: ${describeThrown(thrown)}`);
    } finally {
      this.doc.off('afterTransaction', spy);
      if (!this.destroyed) this.doc.on('update', this.onUpdate);
      if (localFrom && !this.destroyed) this.localEdit(Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(localFrom)));
    }
    return undefined;
  }

  private sendUpdate(update: Uint8Array, first: number): void {
    const id = this.newUpdateId();
    this.pending.set(id, { first });
    this.send({ type: 'update', id, update });
  }

  private markUnsent(seq: number): void {
    this.unsentFrom = Math.min(this.unsentFrom ?? seq, seq);
  }

  private flushed(upTo: number): boolean {
    if (this.unsentFrom !== undefined && this.unsentFrom <= upTo) return false;
    for (const { first } of this.pending.values()) if (first <= upTo) return false;
    return true;
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => (this.flushed(w.upTo) ? (w.resolve(), false) : true));
    this.refresh();
  }

  private refresh(): void {
    const status: SyncStatus = this.handshakeDone && this.pending.size === 0 && this.unsentFrom === undefined ? 'synchronized' : 'synchronizing';
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.statusListeners.emit(status);
  }
}
