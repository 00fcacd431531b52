/**
 * A deterministic in-memory network (style item 9): N members (RoomMember: DocumentSync + presence)
 * and one RoomHost (RoomAuthority behind per-connection readers), linked by explicit FIFO queues of
 * JSON text — every message really goes through the wire form, chunking included. Nothing moves
 * until the test delivers it; a disconnect loses what was in flight in both directions, as a
 * dropped connection does.
 */
import * as Y from 'yjs';
import {
  RoomHost,
  RoomMember,
  clientMessageReader,
  serverMessageReader,
  type ClientMessage,
  type CollabError,
  type DocumentStore,
  type DocumentSync,
  type PresenceData,
  type PresenceState,
  type RoomAuthority,
  type ServerMessage,
  type WireReader,
} from '../../src/index.js';
import { ManualClock } from './clock.js';

export interface Member {
  readonly name: string;
  readonly room: RoomMember;
  readonly sync: DocumentSync;
  readonly presence: PresenceState;
  canWrite: boolean;
  online: boolean;
  /** The server-side connection id of the current session (a new one on each reconnect). */
  connection: string | undefined;
  readonly toServer: string[];
  readonly toMember: string[];
  /** Test-side readers that watch the wire, so the test sees what was sent and acknowledged. */
  readonly upTap: WireReader<ClientMessage>;
  readonly downTap: WireReader<ServerMessage>;
  /** Every update this member sent, by id. */
  readonly sent: Map<string, Uint8Array>;
  readonly acked: string[];
  readonly errors: CollabError[];
  sessions: number;
}

export interface NetworkOptions {
  store: DocumentStore;
  clock?: ManualClock;
  room?: string;
  /** Small, so ordinary edits exercise chunking. */
  maxMessageBytes?: number;
  leaveDelayMs?: number;
  throttleMs?: number;
}

export class Network {
  readonly clock: ManualClock;
  readonly members: Member[] = [];
  host!: RoomHost;

  constructor(private readonly options: NetworkOptions) {
    this.clock = options.clock ?? new ManualClock();
  }

  get authority(): RoomAuthority {
    return this.host.authority;
  }

  async open(): Promise<this> {
    const loaded = await RoomHost.load({
      room: this.options.room ?? 'room-1',
      store: this.options.store,
      clock: this.clock,
      leaveDelayMs: this.options.leaveDelayMs,
      maxMessageBytes: this.limit,
      sendTo: (connection, message) => {
        const member = this.members.find((m) => m.online && m.connection === connection);
        member?.toMember.push(JSON.stringify(message));
      },
      publish: (_channel, message) => {
        for (const m of this.members) if (m.online && m.connection) m.toMember.push(JSON.stringify(message));
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    this.host = loaded.value;
    return this;
  }

  add(name: string, options: { canWrite?: boolean; presence?: PresenceData; doc?: Y.Doc } = {}): Member {
    let counter = 0;
    const room = new RoomMember({
      doc: options.doc,
      presence: options.presence,
      clock: this.clock,
      throttleMs: this.options.throttleMs,
      maxMessageBytes: this.limit,
      newId: () => `${name}-${++counter}`,
      send: (_channel, message) => {
        if (!member.online) return;
        const text = JSON.stringify(message);
        member.toServer.push(text);
        const read = member.upTap.read(JSON.parse(text));
        if (read?.ok && read.value.type === 'update') member.sent.set(read.value.id, read.value.update);
      },
    });
    const member: Member = {
      name,
      room,
      sync: room.sync,
      presence: room.presence,
      canWrite: options.canWrite ?? true,
      online: false,
      connection: undefined,
      toServer: [],
      toMember: [],
      upTap: clientMessageReader(),
      downTap: serverMessageReader(),
      sent: new Map(),
      acked: [],
      errors: [],
      sessions: 0,
    };
    this.members.push(member);
    return member;
  }

  /** A new session: the server admits it to the room first (it subscribes), then the member syncs. */
  connect(member: Member): void {
    if (member.online) return;
    member.online = true;
    member.connection = `${member.name}#${++member.sessions}`;
    this.host.join(member.connection, { canWrite: member.canWrite });
    member.room.connected();
  }

  /** The link drops: whatever was in flight is lost; the server notices and the session leaves. */
  disconnect(member: Member): void {
    if (!member.online) return;
    member.online = false;
    member.toServer.length = 0;
    member.toMember.length = 0;
    member.upTap.reset();
    member.downTap.reset();
    member.room.disconnected();
    if (member.connection) this.host.leave(member.connection);
  }

  /**
   * [COLLAB-25] The same session comes back after losing what was in flight — downwards only (the
   * server dropped it and said so, CLI-38) or both ways (a dropped connection without the ack
   * extension). The server keeps the member; the member re-syncs, as `enterRoom` does.
   */
  blip(member: Member, both: boolean): void {
    if (!member.online) return;
    if (both) member.toServer.length = 0;
    member.toMember.length = 0;
    member.downTap.reset();
    member.room.resync();
  }

  /** Links with something to deliver, as [member, direction]. */
  busy(): Array<[Member, 'up' | 'down']> {
    const out: Array<[Member, 'up' | 'down']> = [];
    for (const m of this.members) {
      if (m.toServer.length > 0) out.push([m, 'up']);
      if (m.toMember.length > 0) out.push([m, 'down']);
    }
    return out;
  }

  /** Delivers the head of one busy link, chosen by `pick` (any integer). False when nothing is in flight. */
  async step(pick: number): Promise<boolean> {
    const links = this.busy();
    if (links.length === 0) return false;
    const [member, direction] = links[Math.abs(pick) % links.length]!;
    if (direction === 'up') await this.deliverUp(member);
    else this.deliverDown(member);
    return true;
  }

  /** Delivers until nothing is in flight. */
  async settle(): Promise<void> {
    let i = 0;
    while (await this.step(i++));
  }

  private get limit(): number {
    return this.options.maxMessageBytes ?? 4096;
  }

  private async deliverUp(member: Member): Promise<void> {
    await this.host.receive(member.connection!, JSON.parse(member.toServer.shift()!));
  }

  private deliverDown(member: Member): void {
    const data: unknown = JSON.parse(member.toMember.shift()!);
    const seen = member.downTap.read(data);
    if (seen?.ok && seen.value.type === 'ack') member.acked.push(...seen.value.ids);
    if (seen?.ok && seen.value.type === 'error') member.errors.push({ code: seen.value.code, message: seen.value.message });
    const error = member.room.receive(data);
    if (error) throw new Error(`${member.name}: ${error.message}`);
  }
}

/** The Yjs state of a document as comparable JSON. */
export function content(doc: Y.Doc): { text: string; map: unknown } {
  return { text: doc.getText('t').toString(), map: doc.getMap('m').toJSON() };
}
