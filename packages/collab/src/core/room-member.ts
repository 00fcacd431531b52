/**
 * A member's whole room over any JSON transport: a DocumentSync and a PresenceState behind one
 * reader of the server's wire messages. `enterRoom` will be this plus Kuiper subscriptions: it
 * forwards what arrives on the room's channels to `receive`, and publishes what `send` gives it.
 */
import type * as Y from 'yjs';
import { writeWire, serverMessageReader, type WireReader } from '../protocol/wire.js';
import type { CollabError } from '../protocol/errors.js';
import type { PresenceData, ServerMessage, WireMessage } from '../protocol/messages.js';
import type { Clock } from './clock.js';
import { DocumentSync, type SyncStatus } from './document-sync.js';
import { PresenceState } from './presence-state.js';

/** Where a member's message goes: `/service/rooms/<id>/sync` or `/service/rooms/<id>/presence`. */
export type MemberChannel = 'sync' | 'presence';

export interface RoomMemberOptions {
  send: (channel: MemberChannel, message: WireMessage) => void;
  doc?: Y.Doc;
  presence?: PresenceData;
  throttleMs?: number;
  clock?: Clock;
  /** The transport's per-message limit (default 256 KiB). */
  maxMessageBytes?: number;
  /** Unique per member across its sessions; the default is a counter. */
  newId?: () => string;
  /**
   * [COLLAB-41] Never in the others' presence: this member sends no presence (a server's document
   * handle, a silent viewer). It still sees the others'.
   */
  hidden?: boolean;
}

export class RoomMember {
  readonly sync: DocumentSync;
  readonly presence: PresenceState;
  private readonly reader: WireReader<ServerMessage> = serverMessageReader();
  private readonly hidden: boolean;

  constructor(options: RoomMemberOptions) {
    this.hidden = options.hidden === true;
    let counter = 0;
    const newId = options.newId ?? (() => `${++counter}`);
    const split = { maxMessageBytes: options.maxMessageBytes, newTransferId: newId };
    this.sync = new DocumentSync({
      doc: options.doc,
      newUpdateId: newId,
      send: (m) => writeWire(m, split).forEach((w) => options.send('sync', w)),
    });
    this.presence = new PresenceState({
      initial: options.presence,
      throttleMs: options.throttleMs,
      clock: options.clock,
      send: (m) => writeWire(m, split).forEach((w) => options.send('presence', w)),
    });
  }

  get doc(): Y.Doc {
    return this.sync.doc;
  }

  /** Resolves once the document holds the server's state. */
  get synced(): Promise<void> {
    return this.sync.synced;
  }

  get syncStatus(): SyncStatus {
    return this.sync.syncStatus;
  }

  flush(): Promise<void> {
    return this.sync.flush();
  }

  /** Subscribed to the room's channels: start the handshake and announce presence. */
  connected(): void {
    this.sync.connected();
    if (!this.hidden) this.presence.connected();
  }

  /** The transport dropped: partial transfers are void, edits are kept for the next handshake. */
  disconnected(): void {
    this.reader.reset();
    this.sync.disconnected();
    this.presence.disconnected();
  }

  /**
   * [COLLAB-25] The same server session goes on, but messages in flight either way may be lost (a
   * dropped connection without the ack extension, or the server said so: CLI-38). The state-vector
   * handshake runs again — the server answers only what this member lacks, and what it lacks of
   * ours (unacknowledged edits) is sent — and presence is announced again; the server's answer to a
   * repeated sync step 1 carries a presence snapshot, which replaces the entries held (no ghost, no
   * one missing) without emptying them first, so cursors do not flicker.
   */
  resync(): void {
    this.reader.reset();
    this.sync.disconnected();
    this.sync.connected();
    if (!this.hidden) this.presence.connected();
  }

  /** One wire message from the server, from any of the room's channels. */
  receive(data: unknown): CollabError | undefined {
    const read = this.reader.read(data);
    if (!read) return undefined;
    if (!read.ok) return read.error;
    const message = read.value;
    if (message.type === 'presence') {
      this.presence.receive(message);
      return undefined;
    }
    if (message.type === 'resync') {
      // [COLLAB-30] The new authority knows nothing of this member: what the old one had not
      // acknowledged is sent again by the handshake, and presence is announced again.
      this.disconnected();
      this.connected();
      return undefined;
    }
    if (message.type === 'sync-2') this.presence.setConnection(message.connection);
    return this.sync.receive(message);
  }

  destroy(): void {
    this.sync.destroy();
    this.presence.destroy();
  }
}
