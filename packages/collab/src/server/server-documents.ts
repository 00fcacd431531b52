/**
 * [COLLAB-42] A room's document from the server's own code (a backend import, a bot, an AI agent
 * that edits the board): what Hocuspocus's `openDirectConnection` and Liveblocks' REST storage API
 * give. The server joins the room as a member, hidden from presence, through a client of its own
 * over `kuiper.inProcessTransport()` (a server session: no policy, no `authorize`, always a writer).
 * Being a member like any other, it needs nothing of its own across nodes: the room loads where it
 * is opened, or the node relays to the room's authority elsewhere (COLLAB-28), takeovers included.
 */
import type * as Y from 'yjs';
import { createClient, type KuiperClient } from '@kuiper/client';
import type { KuiperServer } from '@kuiper/server';
import type { CollabError } from '../protocol/errors.js';
import { roomChannels } from '../protocol/channels.js';
import type { PresenceData } from '../protocol/messages.js';
import type { PresenceState } from '../core/presence-state.js';
import { enterRoom, type Room } from '../client/enter-room.js';
import type { RoomChat } from '../chat/types.js';
import type { DocumentStore } from '../core/store.js';
import { serverVersions, type ServerVersions } from './server-versions.js';
import type { VersionsOptions } from './versioned-store.js';

export interface OpenDocumentOptions {
  /**
   * Shown to the room's members as this presence (e.g. `{ name: 'Assistant' }`); without it the
   * server is in no one's presence list. The first open of a room (for one `user`) decides.
   */
  presence?: PresenceData;
  /**
   * Who the server speaks as: its chat messages carry this author (`{ id: 'assistant', name:
   * 'Assistant' }`). Each user is a session of its own; without one, the server's default session.
   */
  user?: { readonly id: string; readonly name?: string };
}

/** A room's document held by the server until `close()`. */
export interface ServerDocument {
  readonly room: string;
  /** The room's document, kept in step with every member's edits. Read it as any Y.Doc. */
  readonly doc: Y.Doc;
  /**
   * The others' presence, and the server's own when opened with one (hidden, `set` shows nothing).
   * With `doc` it is what `createBoard(handle)` needs: a bot drawing on a whiteboard.
   */
  readonly presence: PresenceState;
  /**
   * Runs `fn` as one transaction on the document and resolves once the server has stored it; the
   * members receive it as one update (one step of no member's undo).
   */
  change(fn: (doc: Y.Doc) => void): Promise<void>;
  /** Resolves once every change so far is stored. */
  flush(): Promise<void>;
  /** The room's chat, as the server (or `user`): `send`, `messages()`, `subscribe`… (CHAT-5). */
  readonly chat: RoomChat;
  /** [COLLAB-50] The room's versions (`list`, `save`, `state`, `restore`), when the store keeps them. */
  readonly versions: ServerVersions | undefined;
  /** Problems with this room (a refused update, a failed send). */
  onError(fn: (error: CollabError) => void): () => void;
  /** Lets the room go (it closes, with its final snapshot, if no member is left). */
  close(): Promise<void>;
}

/** One room entered by the server, shared by the handles open on it. */
interface Entered {
  readonly room: Room;
  handles: number;
}

export class ServerDocuments {
  /** One in-process session per user the server speaks as ('' for none), made when first needed. */
  private readonly clients = new Map<string, KuiperClient>();
  /** By user and room: `<user id> <room>`. */
  private readonly entered = new Map<string, Entered>();
  private closed = false;

  constructor(
    private readonly kuiper: KuiperServer,
    private readonly store: DocumentStore,
    private readonly versions: VersionsOptions = {},
  ) {}

  async open(roomId: string, options: OpenDocumentOptions = {}): Promise<ServerDocument> {
    if (this.closed) throw new Error('openDocument: collab is detached');
    roomChannels(roomId); // a TypeError for an id that is no room's, before anything is joined
    const user = options.user;
    if (user !== undefined && (typeof user.id !== 'string' || user.id === '')) throw new TypeError('openDocument: user.id must be a non-empty string');
    const key = `${user?.id ?? ''} ${roomId}`;
    let entry = this.entered.get(key);
    if (!entry) {
      // One session per user for every room it holds: a member of each, as a browser tab would be.
      const client = this.clientFor(user);
      const room = enterRoom(client, roomId, options.presence ? { presence: options.presence } : { hidden: true });
      entry = { room, handles: 0 };
      this.entered.set(key, entry);
    }
    entry.handles++;
    const held = entry;
    try {
      await held.room.synced;
    } catch (error) {
      this.release(key, held);
      throw error;
    }
    let open = true;
    const change = (fn: (doc: Y.Doc) => void): Promise<void> => {
      if (!open) return Promise.reject(new Error(`openDocument(${roomId}): closed`));
      held.room.doc.transact(() => fn(held.room.doc));
      return held.room.flush();
    };
    const flush = (): Promise<void> => held.room.flush();
    return {
      room: roomId,
      doc: held.room.doc,
      presence: held.room.presence,
      chat: held.room.chat,
      versions: serverVersions(this.store, this.versions, { room: roomId, change, flush }, user && (user.name === undefined ? { id: user.id } : { id: user.id, name: user.name })),
      change,
      flush,
      onError: (fn) => held.room.onError(fn),
      close: async () => {
        if (!open) return;
        open = false;
        await held.room.flush().catch(() => undefined); // what was changed is stored before the room goes
        this.release(key, held);
      },
    };
  }

  /** Leaves every room and ends the server's session (before the server closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const { room } of this.entered.values()) room.leave();
    this.entered.clear();
    await Promise.all([...this.clients.values()].map((client) => client.disconnect()));
    this.clients.clear();
  }

  private clientFor(user: OpenDocumentOptions['user']): KuiperClient {
    const id = user?.id ?? '';
    let client = this.clients.get(id);
    if (!client) {
      // Chat reads its author from the session's `data.user` (chatAuthor), as for any member.
      client = createClient('in-process:', { transports: [this.kuiper.inProcessTransport(user ? { data: { user } } : {})], ack: false });
      this.clients.set(id, client);
    }
    return client;
  }

  private release(key: string, entry: Entered): void {
    if (--entry.handles > 0 || this.entered.get(key) !== entry) return;
    this.entered.delete(key);
    entry.room.leave();
  }
}
