/**
 * The server's whole room over any JSON transport: a RoomAuthority behind one reader per
 * connection, with replies and broadcasts chunked to the transport's limit. `attachCollab` will be
 * this plus Kuiper hooks: load on the first member, `join` on subscribe (with the grant `authorize`
 * returned), `receive` for messages on the room's service channels (with the session id the server
 * vouches for), `leave` when a session is removed, `close` after the last member.
 */
import type { CollabError, Result } from '../protocol/errors.js';
import { clientMessageReader, writeWire, type WireReader } from '../protocol/wire.js';
import { parseClientMessage, toWire, type ClientMessage, type ServerMessage, type WireMessage } from '../protocol/messages.js';
import { RoomAuthority, type MemberGrant, type RoomAuthorityOptions } from './room-authority.js';

/** Where a broadcast goes: `/rooms/<id>/doc` or `/rooms/<id>/presence`. */
export type RoomChannel = 'doc' | 'presence';

export interface RoomHostOptions extends Omit<RoomAuthorityOptions, 'sendTo' | 'broadcast'> {
  /** One wire message to one connection only. */
  sendTo: (connection: string, message: WireMessage) => void;
  /** One wire message to every member, on one of the room's channels. */
  publish: (channel: RoomChannel, message: WireMessage) => void;
  /** The transport's per-message limit (default 256 KiB). */
  maxMessageBytes?: number;
  maxPresenceBytes?: number;
}

/** A piece of a chunked transfer (COLLAB-7): only these need a member's reader (its assembler). */
const isChunk = (data: unknown): boolean => typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'chunk';

/**
 * Transfer ids of the server's chunked messages: unique in the process, so one counter serves every
 * room (a counter, its closure and options per room were kept by every idle room).
 */
let transfers = 0;
const newTransferId = (): string => `s${++transfers}`;
/** Split options by message limit: rooms on one server share one (an object per room was kept). */
const splits = new Map<number | undefined, { maxMessageBytes: number | undefined; newTransferId: () => string }>();
const splitFor = (maxMessageBytes: number | undefined): { maxMessageBytes: number | undefined; newTransferId: () => string } => {
  let split = splits.get(maxMessageBytes);
  if (!split) splits.set(maxMessageBytes, (split = { maxMessageBytes, newTransferId }));
  return split;
};

/**
 * The options a hosted room's authority gets: the caller's, with `sendTo` and `broadcast` as
 * methods that write the wire format and reach the host's transport. Methods rather than closures:
 * the authority calls them on its options object, so every room shares one pair instead of keeping
 * three closures and their context (COLLAB-39). A spread copy of this object would lose them.
 */
class HostedAuthorityOptions {
  host: RoomHost | undefined;
  constructor(readonly hostOptions: RoomHostOptions) {
    // Not the transport's own sendTo nor onError: an own property would hide the methods below.
    const { sendTo: _transportSendTo, publish: _publish, onError: _onError, ...authorityOptions } = hostOptions;
    Object.assign(this, authorityOptions);
  }

  /** The caller's, called on its options: they may be an object whose methods serve every room. */
  onError(error: CollabError): void {
    this.hostOptions.onError?.(error);
  }

  sendTo(connection: string, m: ServerMessage): void {
    for (const w of this.wire(m)) this.hostOptions.sendTo(connection, w);
  }

  broadcast(m: ServerMessage): void {
    const wires = this.wire(m);
    // [COLLAB-32] An update past one message goes to each member through its paced replies
    // (COLLAB-27), not as one burst of chunks that could overflow every member's session queue.
    if (wires.length > 1 && m.type === 'room-update' && this.host) {
      for (const connection of this.host.connections()) if (connection !== m.origin) wires.forEach((w) => this.hostOptions.sendTo(connection, w));
      return;
    }
    for (const w of wires) this.hostOptions.publish(m.type === 'presence' ? 'presence' : 'doc', w);
  }

  private wire(m: ServerMessage): WireMessage[] {
    return writeWire(m, splitFor(this.hostOptions.maxMessageBytes));
  }
}
// The caller's fields, copied onto each instance by the constructor.
interface HostedAuthorityOptions extends Omit<RoomAuthorityOptions, 'sendTo' | 'broadcast' | 'onError'> {}

export class RoomHost {
  /**
   * The readers of members that sent a chunk, made with the first (members are the authority's): a
   * reader (a chunk assembler and a parse closure, ~250 bytes) for every member of every idle room
   * was most of a member's share of the room's memory, and a message that is not a chunk reads the
   * same without one; a Map of members kept here too was another ~260 bytes a room.
   */
  private readers: Map<string, WireReader<ClientMessage>> | undefined;

  /** Loads the room; a failed load is an error value and nothing is written (COLLAB-13). */
  static async load(options: RoomHostOptions): Promise<Result<RoomHost>> {
    const hosted = new HostedAuthorityOptions(options);
    const loaded = await RoomAuthority.load(hosted);
    if (!loaded.ok) return loaded;
    const host = new RoomHost(loaded.value, options);
    hosted.host = host;
    return { ok: true, value: host };
  }

  private constructor(readonly authority: RoomAuthority, private readonly options: RoomHostOptions) {}

  /** The members' connections. */
  connections(): Iterable<string> {
    return this.authority.connections();
  }

  join(connection: string, grant: MemberGrant): void {
    this.readers?.delete(connection); // a rejoin starts with no transfer in progress, as before
    this.authority.join(connection, grant);
  }

  leave(connection: string): void {
    this.readers?.delete(connection);
    this.authority.leave(connection);
  }

  /** One wire message from `connection`; anything unreadable goes back to it as an error. */
  receive(connection: string, data: unknown): Promise<void> {
    const member = this.authority.hasMember(connection);
    let reader = member ? this.readers?.get(connection) : undefined;
    if (member && !reader && isChunk(data)) (this.readers ??= new Map()).set(connection, (reader = clientMessageReader({ maxPresenceBytes: this.options.maxPresenceBytes })));
    const read = !member
      ? { ok: false as const, error: { code: 'not_a_member' as const, message: `${connection} is not in room ${this.authority.room}` } }
      : reader
        ? reader.read(data)
        : parseClientMessage(data, this.options.maxPresenceBytes);
    if (!read) return Promise.resolve();
    if (read.ok) return this.authority.handle(connection, read.value);
    this.options.sendTo(connection, toWire({ type: 'error', ...read.error })); // small: never chunked
    return Promise.resolve();
  }

  get memberCount(): number {
    return this.authority.memberCount;
  }

  close(): Promise<void> {
    this.readers = undefined;
    return this.authority.close();
  }
}
