/**
 * A deterministic in-memory network (style item 9): N members, each with a DocumentSync and a
 * PresenceState, and one RoomAuthority, linked by explicit FIFO queues of JSON text — every message
 * really goes through the wire form, chunking included. Nothing moves until the test delivers it;
 * a disconnect loses what was in flight in both directions, as a dropped connection does.
 */
import * as Y from 'yjs';
import {
  DocumentSync,
  PresenceState,
  RoomAuthority,
  clientMessageReader,
  serverMessageReader,
  writeWire,
  type ClientMessage,
  type CollabError,
  type DocumentStore,
  type PresenceData,
  type ServerMessage,
  type WireReader,
} from '../../src/index.js';
import { ManualClock } from './clock.js';

export interface Member {
  readonly name: string;
  readonly sync: DocumentSync;
  readonly presence: PresenceState;
  canWrite: boolean;
  online: boolean;
  /** The server-side connection id of the current session (a new one on each reconnect). */
  connection: string | undefined;
  readonly toServer: string[];
  readonly toMember: string[];
  readonly fromMember: WireReader<ClientMessage>;
  readonly fromServer: WireReader<ServerMessage>;
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
  /** Called with every ack a member receives, before the member sees it. */
  onAck?: (member: Member, id: string) => void;
}

export class Network {
  readonly clock: ManualClock;
  readonly members: Member[] = [];
  authority!: RoomAuthority;
  private transfers = 0;

  constructor(private readonly options: NetworkOptions) {
    this.clock = options.clock ?? new ManualClock();
  }

  async open(): Promise<this> {
    const loaded = await RoomAuthority.load({
      room: this.options.room ?? 'room-1',
      store: this.options.store,
      clock: this.clock,
      leaveDelayMs: this.options.leaveDelayMs,
      sendTo: (connection, message) => {
        const member = this.members.find((m) => m.online && m.connection === connection);
        if (member) this.push(member.toMember, message);
      },
      broadcast: (message) => {
        for (const m of this.members) if (m.online && m.connection) this.push(m.toMember, message);
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    this.authority = loaded.value;
    return this;
  }

  add(name: string, options: { canWrite?: boolean; presence?: PresenceData; doc?: Y.Doc } = {}): Member {
    let counter = 0;
    const member: Member = {
      name,
      canWrite: options.canWrite ?? true,
      online: false,
      connection: undefined,
      toServer: [],
      toMember: [],
      fromMember: clientMessageReader(),
      fromServer: serverMessageReader(),
      sent: new Map(),
      acked: [],
      errors: [],
      sessions: 0,
      sync: new DocumentSync({
        doc: options.doc,
        newUpdateId: () => `${name}-${++counter}`,
        send: (message) => this.fromClient(member, message),
      }),
      presence: new PresenceState({
        initial: options.presence,
        clock: this.clock,
        throttleMs: this.options.throttleMs,
        send: (message) => this.fromClient(member, message),
      }),
    };
    this.members.push(member);
    return member;
  }

  /** A new session: the server admits it to the room first (it subscribes), then the member syncs. */
  connect(member: Member): void {
    if (member.online) return;
    member.online = true;
    member.connection = `${member.name}#${++member.sessions}`;
    this.authority.join(member.connection, { canWrite: member.canWrite });
    member.sync.connected();
    member.presence.connected();
  }

  /** The link drops: whatever was in flight is lost; the server notices and the session leaves. */
  disconnect(member: Member): void {
    if (!member.online) return;
    member.online = false;
    member.toServer.length = 0;
    member.toMember.length = 0;
    member.fromMember.reset();
    member.fromServer.reset();
    member.sync.disconnected();
    member.presence.disconnected();
    if (member.connection) this.authority.leave(member.connection);
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

  private push(queue: string[], message: ClientMessage | ServerMessage): void {
    const limit = this.options.maxMessageBytes ?? 4096;
    for (const wire of writeWire(message, { maxMessageBytes: limit, newTransferId: () => `x${++this.transfers}` })) queue.push(JSON.stringify(wire));
  }

  private fromClient(member: Member, message: ClientMessage): void {
    if (!member.online) return;
    if (message.type === 'update') member.sent.set(message.id, message.update);
    this.push(member.toServer, message);
  }

  private async deliverUp(member: Member): Promise<void> {
    const text = member.toServer.shift()!;
    const read = member.fromMember.read(JSON.parse(text));
    if (!read) return;
    if (!read.ok) throw new Error(`server could not read ${member.name}: ${read.error.message}`);
    await this.authority.handle(member.connection!, read.value);
  }

  private deliverDown(member: Member): void {
    const text = member.toMember.shift()!;
    const read = member.fromServer.read(JSON.parse(text));
    if (!read) return;
    if (!read.ok) throw new Error(`${member.name} could not read the server: ${read.error.message}`);
    const message = read.value;
    if (message.type === 'presence') return member.presence.receive(message);
    if (message.type === 'sync-2') member.presence.setConnection(message.connection);
    if (message.type === 'ack') for (const id of message.ids) (this.options.onAck?.(member, id), member.acked.push(id));
    if (message.type === 'error') member.errors.push({ code: message.code, message: message.message });
    const error = member.sync.receive(message);
    if (error) throw new Error(`${member.name}: ${error.message}`);
  }
}

/** The Yjs state of a document as comparable JSON. */
export function content(doc: Y.Doc): { text: string; map: unknown } {
  return { text: doc.getText('t').toString(), map: doc.getMap('m').toJSON() };
}
