/**
 * The server side of rooms over a Kuiper server: a `RoomHost` per open room, loaded on the first
 * member of `/rooms/<id>/doc` and closed after the last one, fed by the room's service channels with
 * the session id the server vouches for (COLLAB-20…23).
 */
import { bayeuxError, isServerSession, type KuiperServer, type SessionInfo } from '@kuiper/server';
import { roomChannels, roomOfChannel } from '../protocol/channels.js';
import { describeThrown, type CollabError } from '../protocol/errors.js';
import { readPull, ReplyOutbox } from '../protocol/flow.js';
import { toWire, type WireMessage } from '../protocol/messages.js';
import type { MemberGrant } from '../core/room-authority.js';
import { RoomHost, type RoomHostOptions } from '../core/room-host.js';
import type { DocumentStore } from '../core/store.js';
import { readRelayed, relayChannel, RELAY_PREFIX, roomOfRelayChannel } from './relay.js';
import { attachChat, type ChatOptions } from './attach-chat.js';
import { attachLobby } from '../lobby/attach-lobby.js';
import { eventsGuard } from './events-guard.js';
import { ClientRooms } from './client-rooms.js';
import { AuthorityLeases } from './authority-leases.js';
import { type OpenDocumentOptions, type ServerDocument, ServerDocuments } from './server-documents.js';
import { observedStore, type OnStored } from './observed-store.js';
import { collectAssets, DEFAULT_UNUSED_FOR_MS } from './asset-collector.js';
import { assetsApi, type AssetsApi, type AssetsOptions } from './assets-api.js';
import { versionedStore } from './versioned-store.js';
import { versionsApi, type VersionsApi, type VersionsApiOptions } from './versions-api.js';
import { storedVersions, type StoredVersions } from './server-versions.js';

/** Decides what a session may do in a room; it is asked once per session and room. */
export type CollabAuthorize = (room: string, session: SessionInfo) => MemberGrant | Promise<MemberGrant>;

export interface CollabOptions extends Omit<RoomHostOptions, 'room' | 'store' | 'sendTo' | 'publish' | 'onError'>, ChatOptions {
  store: DocumentStore;
  /** Default: every member may write. */
  authorize?: CollabAuthorize;
  /**
   * [COLLAB-30] On a store several nodes share, the lease of a node (which its rooms' authority
   * lives by): renewed every third of it while the node lives; once it lapses a node with members
   * takes its rooms over. Default 3000 ms.
   */
  authorityLeaseMs?: number;
  /** A background problem (a failed snapshot, a delivery that threw); the default logs it. */
  onError?: (error: Error) => void;
  /** [LOBBY-1] Room activity for lobby viewers (`enterLobby`), filtered by `authorize`. Default true. */
  lobby?: boolean;
  /**
   * [COLLAB-44] Every update a room stores, once it is durable, on the room's authority only (once
   * across nodes): to index, mirror or notify. Not awaited; a throw goes to `onError`.
   */
  onStored?: OnStored;
  /** [COLLAB-47] Where `collab.assets` serves the rooms' pictures, the largest one and the most a room keeps. */
  assets?: AssetsOptions;
  /** [COLLAB-50] How often the server keeps a version by itself, how many, and where `collab.versions` serves them. */
  versions?: VersionsApiOptions;
}

export interface AttachedCollab {
  /**
   * [COLLAB-42] A room's document for the server's own code: read it, `change` it (stored and sent
   * to every member), `close` it. The server joins as a hidden member that may always write.
   */
  openDocument(room: string, options?: OpenDocumentOptions): Promise<ServerDocument>;
  /**
   * [COLLAB-47] A node:http handler for the rooms' pictures (upload by a member who may write, read
   * by id) under `assets.basePath` (`/kuiper-assets`): true when the request was its.
   */
  readonly assets: AssetsApi;
  /** [COLLAB-50] A node:http handler for the rooms' versions (list, save, read) under `versions.basePath` (`/kuiper-versions`). */
  readonly versions: VersionsApi;
  /**
   * [COLLAB-50] A room's versions straight from the store (`list`, `save`, `state`), without loading
   * the room as `openDocument` does; undefined when the store keeps none. Restoring one is an edit:
   * `openDocument(room).versions.restore(id)`.
   */
  storedVersions(room: string): StoredVersions | undefined;
  /** The rooms loaded on this node now. */
  openRooms(): string[];
  /** Removes the hooks and closes every open room (each writes its final snapshot). */
  detach(): Promise<void>;
}

/** An open room as the adapter keeps it (its transport, in attachCollab, is one). */
interface OpenRoom {
  readonly host: RoomHost;
  /**
   * Admissions being decided (authorize is running), made with the first: later messages wait for
   * the first one's. An admitted session is a member of the host; an idle room keeps no Map here.
   */
  deciding: Map<string, Promise<boolean>> | undefined;
  /** [COLLAB-27] Replies to members that are being paced by their pulls, made with the first. */
  outboxes: Map<string, ReplyOutbox> | undefined;
  /** What unhooks the room's relay listener. */
  readonly off: () => void;
}

const ROOMS = '/rooms/**';
/** The grants members are joined with: shared, not an object per member. */
const WRITER: MemberGrant = Object.freeze({ canWrite: true });
const READER: MemberGrant = Object.freeze({ canWrite: false });

/** The room of a document channel (`/rooms/<id>/doc`), else undefined. */
function docRoom(channel: string): string | undefined {
  const room = roomOfChannel(channel);
  return room !== undefined && roomChannels(room).doc === channel ? room : undefined;
}

/** Keeps `box` under `connection` while it has something queued or unpulled, else forgets it. */
function keepWhileBusy(open: { outboxes: Map<string, ReplyOutbox> | undefined }, connection: string, box: ReplyOutbox): void {
  if (box.idle) forgetOutbox(open, connection);
  else (open.outboxes ??= new Map()).set(connection, box);
}

/**
 * The room's Maps of admissions and outboxes go once empty: a Map keeps its table however few it
 * holds (~184 bytes of heap), and most idle rooms had kept the `deciding` of their members' joins.
 */
function forgetOutbox(open: { outboxes: Map<string, ReplyOutbox> | undefined }, connection: string): void {
  const outboxes = open.outboxes;
  if (outboxes?.delete(connection) && outboxes.size === 0) open.outboxes = undefined;
}

function forgetAdmission(open: { deciding: Map<string, Promise<boolean>> | undefined }, clientId: string): void {
  const deciding = open.deciding;
  if (deciding?.delete(clientId) && deciding.size === 0) open.deciding = undefined;
}

export function attachCollab(kuiper: KuiperServer, options: CollabOptions): AttachedCollab {
  const { store, authorize = () => ({ canWrite: true }), authorityLeaseMs = 3000, onError = (e) => console.error('[kuiper/collab]', e), lobby: withLobby = true, moderate, typingTimeoutMs, maxChatLength, onStored, assets, versions, ...hostOptions } = options;
  const rooms = new Map<string, OpenRoom>();
  const report = (error: unknown): void => onError(error instanceof Error ? error : new Error(describeThrown(error)));
  // The rooms' documents go through it (chat, leases and the lobby use the store as it is).
  // [COLLAB-50] Its snapshots are kept as versions now and then.
  const documents = versionedStore(onStored ? observedStore(store, onStored, report) : store, versions ?? {}, report);
  // [LOBBY-2] Told of the rooms this node is the authority of; it publishes their activity.
  // [CHAT-1] Chat on `/service/rooms/<id>/chat`, answered by whichever node the member reached.
  const chat = attachChat(kuiper, { store, authorize, moderate, typingTimeoutMs, maxChatLength, report, hosts: (room) => rooms.has(room) });
  const lobby = withLobby ? attachLobby(kuiper, { authorize, onError: report, chat: store }) : undefined;

  // [COLLAB-30] Which node is each room's authority: one lease per node on a shared store.
  const leases = new AuthorityLeases(store, authorityLeaseMs);
  const loading = new Set<string>();

  /** Loads the room if this node may be its authority; `takeover` when an authority died before. */
  const load = async (room: string, takeover = false): Promise<void> => {
    if (rooms.has(room) || loading.has(room)) return;
    loading.add(room);
    try {
      // Another node is the authority: it serves the room, or it died and a takeover follows.
      if (await leases.claim(room)) await openRoom(room, takeover);
    } finally {
      loading.delete(room);
    }
  };

  /**
   * A room's transport, as its RoomHost calls it: methods every room shares, on one object per room
   * holding the room's name and options — four closures and their context per room were kept by
   * every idle room. Its channels' names are made when a message goes out, not kept.
   */
  class RoomTransport implements RoomHostOptions, OpenRoom {
    readonly store = documents;
    // Set once the room has loaded (after RoomHost.load copied the options it needs).
    host!: RoomHost;
    off!: () => void;
    deciding: Map<string, Promise<boolean>> | undefined;
    outboxes: Map<string, ReplyOutbox> | undefined;
    constructor(readonly room: string) {
      Object.assign(this, hostOptions);
    }

    // A member's outbox lives only while it paces chunks (COLLAB-27): most replies are small and
    // leave at once, and an idle room should not keep an outbox per member.
    sendTo(connection: string, message: WireMessage): void {
      const waiting = this.outboxes?.get(connection);
      // What a new outbox would do at once (an ack per edit, most replies): no outbox made for it.
      if (!waiting && message.type !== 'chunk') return this.deliver(connection, message);
      const box = waiting ?? new ReplyOutbox((m) => this.deliver(connection, m));
      box.send(message);
      keepWhileBusy(this, connection, box);
    }

    publish(channel: 'doc' | 'presence', message: WireMessage): void {
      if (channel === 'presence') lobby?.changed(this.room);
      const channels = roomChannels(this.room);
      void kuiper.publish(channel === 'doc' ? channels.doc : channels.presence, message).catch(report);
    }

    onError(error: CollabError): void {
      report(new Error(`room ${this.room}: ${error.code}: ${error.message}`));
    }

    /** Replies ride the document channel the member subscribed to, to that session only. */
    private deliver(connection: string, message: WireMessage): void {
      void kuiper.deliver(connection, roomChannels(this.room).doc, message).catch(report);
    }
  }

  const openRoom = async (room: string, takeover: boolean): Promise<void> => {
    const open = new RoomTransport(room);
    const loaded = await RoomHost.load(open);
    // [COLLAB-20] A failed load refuses the first member's subscribe and writes nothing (COLLAB-13).
    if (!loaded.ok) throw new Error(`room ${room}: ${loaded.error.code}: ${loaded.error.message}`);
    open.host = loaded.value;
    // [COLLAB-28] Members connected to other nodes arrive relayed, in their order, with their session.
    open.off = kuiper.subscribe(relayChannel(room), onRelayed);
    // [COLLAB-21] Only open rooms have services (`sync`, `presence`; see the `/service/rooms/**`
    // handler below, which serves them for every open room without a handler per room).
    rooms.set(room, open);
    chat.opened(room);
    lobby?.opened(room, open.host.authority.presence.members);
    await kuiper.ready(); // the relay listener is visible to every node before the first member is answered
    // [COLLAB-30] The members knew the dead authority: each handshakes again with this one, sending
    // what it had not acknowledged (acknowledged edits are in the store this room loaded from).
    if (takeover) await kuiper.publish(roomChannels(room).doc, toWire({ type: 'resync' }));
  };

  /** One listener for every open room's relay channel (COLLAB-28), not a closure per room. */
  const onRelayed = (message: { channel: string; data?: unknown }): void => {
    const room = roomOfRelayChannel(message.channel);
    const open = room === undefined ? undefined : rooms.get(room);
    if (room === undefined || !open) return; // unloaded meanwhile: its listener is being removed
    const relayed = readRelayed(message.data);
    if (!relayed) return report(new Error(`room ${room}: an unreadable relayed message`));
    if ('leave' in relayed) return leave(relayed.from.clientId, room);
    if (chat.relayed(room, relayed.from, relayed.data)) return; // typing, kept by the authority
    void receive(room, open, relayed.data, relayed.from);
  };

  // Sessions of this node whose messages it relays to a room open elsewhere, and those rooms.
  const relaying = new ClientRooms();
  const relayOut = async (data: unknown, channel: string, session: SessionInfo): Promise<void> => {
    const room = roomOfChannel(channel);
    const channels = room === undefined ? undefined : roomChannels(room);
    if (room === undefined || !channels || (channel !== channels.sync && channel !== channels.presenceSet)) throw bayeuxError('service_unknown', channel);
    // [COLLAB-21] Only a member (a subscriber of the room's document) is relayed; checked once per session.
    if (!relaying.has(session.clientId, room)) {
      const members = await kuiper.subscribers(channels.doc);
      if (!members.some((m) => m.clientId === session.clientId)) throw bayeuxError('service_unknown', channel);
      relaying.add(session.clientId, room);
    }
    await kuiper.publish(relayChannel(room), { from: { clientId: session.clientId, data: session.data ?? null }, data });
  };
  const stopRelaying = (clientId: string, room: string): void => {
    if (relaying.remove(clientId, room)) void kuiper.publish(relayChannel(room), { from: { clientId, data: null }, leave: true }).catch(report);
  };

  const admit = (open: OpenRoom, room: string, session: SessionInfo): Promise<boolean> | true => {
    if (open.host.authority.hasMember(session.clientId)) return true;
    let admission = open.deciding?.get(session.clientId);
    if (admission === undefined) {
      const decided = (still: boolean): boolean => {
        if (open.deciding?.get(session.clientId) === admission) forgetAdmission(open, session.clientId);
        return still;
      };
      admission = (async () => {
        // [COLLAB-42] The server's own session (openDocument) is not the app's to authorize.
        const grant = isServerSession(session) ? WRITER : await authorize(room, session);
        // The session may have left while authorize ran: only a still-listed admission joins.
        if (open.deciding?.get(session.clientId) !== admission || rooms.get(room) !== open) return false;
        open.host.join(session.clientId, grant.canWrite === true ? WRITER : READER);
        return decided(true);
      })().catch((error: unknown) => {
        report(error);
        return decided(false);
      });
      (open.deciding ??= new Map()).set(session.clientId, admission);
      memberOf.add(session.clientId, room);
    }
    return admission;
  };

  // The open rooms each session was admitted to (or asked to be) here: what it leaves.
  const memberOf = new ClientRooms();
  const leave = (clientId: string, only?: string): void => {
    for (const room of memberOf.leaving(clientId, only)) {
      const open = rooms.get(room);
      if (!open) continue; // unloaded since
      forgetAdmission(open, clientId);
      forgetOutbox(open, clientId);
      open.host.leave(clientId);
      chat.left(clientId, room);
    }
  };

  const receive = async (room: string, open: OpenRoom, data: unknown, session: SessionInfo): Promise<void> => {
    const pull = readPull(data);
    if (pull) {
      const box = open.outboxes?.get(session.clientId);
      box?.pulled(pull.chunks);
      if (box) keepWhileBusy(open, session.clientId, box);
      return;
    }
    if (!(await admit(open, room, session))) {
      const refusal = toWire({ type: 'error', code: 'not_a_member', message: `${session.clientId} was not admitted to room ${room}` });
      await kuiper.deliver(session.clientId, roomChannels(room).doc, refusal);
      return;
    }
    // Not awaited: the authority queues it (updates that arrive meanwhile share one store write).
    void open.host.receive(session.clientId, data).catch(report);
  };

  /** Rooms closing now: `detach` waits for them too, so no final snapshot meets a closed store. */
  const closing = new Set<Promise<void>>();
  const unload = (room: string, open: OpenRoom): Promise<void> => {
    rooms.delete(room);
    lobby?.closed(room);
    chat.closed(room);
    open.off();
    const closed = open.host.close().then(() => leases.release(room).catch(report));
    closing.add(closed);
    void closed.finally(() => closing.delete(closed)).catch(() => undefined);
    return closed;
  };

  // [COLLAB-30] Renew this node's lease; take over a room this node relays to whose authority's node is gone.
  const tick = async (): Promise<void> => {
    const relayed = [...relaying.allRooms()].filter((room) => !rooms.has(room));
    const { lost, orphaned } = await leases.tick([...rooms.keys()], relayed);
    // Back from a pause longer than its lease, to rooms another node took over: that node is their
    // authority now. Unloaded here (the snapshot drops nothing this copy lacks: COLLAB-30), and the
    // members handshake again, those of this node relayed to it from now on.
    for (const room of lost) {
      const open = rooms.get(room);
      if (!open) continue;
      report(new Error(`room ${room}: this node lost its authority lease; another node serves the room now`));
      await unload(room, open);
      await kuiper.publish(roomChannels(room).doc, toWire({ type: 'resync' }));
    }
    for (const room of orphaned) if (!rooms.has(room)) await load(room, true);
  };
  let ticking = false;
  const timer = leases.shared
    ? setInterval(() => {
        if (ticking) return; // a slow Redis: one round at a time
        ticking = true;
        tick().catch(report).finally(() => (ticking = false));
      }, authorityLeaseMs / 3)
    : undefined;
  timer?.unref();

  /** [COLLAB-48] Collections running (each after a room emptied): detach waits for them. */
  const collections = new Set<Promise<void>>();

  const offs = [
    kuiper.onChannelOccupied(ROOMS, async ({ channel, local }) => {
      const room = docRoom(channel);
      // [COLLAB-28] One authority per room: the node where the first member subscribed. Every node
      // hears the event on Redis, and a second authority would store and serve a diverging copy.
      if (room === undefined || !local || rooms.has(room)) return;
      // [COLLAB-20] Refused to the member as `server_error`; why goes to onError (the server's own
      // openDocument included), not to the member.
      await load(room).catch((error: unknown) => {
        report(error);
        throw bayeuxError('server_error', channel);
      });
    }),
    kuiper.onChannelVacated(ROOMS, async ({ channel }) => {
      const room = docRoom(channel);
      const open = room === undefined ? undefined : rooms.get(room);
      if (room === undefined || !open) return;
      await unload(room, open); // [COLLAB-22] the final snapshot, before the next occupied may load it
      // [COLLAB-48] What the emptied room no longer uses is marked, or deleted once unused long enough.
      const unusedForMs = assets?.unusedForMs ?? DEFAULT_UNUSED_FOR_MS;
      if (unusedForMs === Infinity) return;
      const collecting = collectAssets(store, room, Date.now(), unusedForMs).then(() => undefined, report);
      collections.add(collecting);
      void collecting.then(() => collections.delete(collecting));
    }),
    kuiper.onSessionRemoved(async ({ clientId }) => {
      leave(clientId); // every node hears it, the authority's too
      chat.left(clientId);
      relaying.take(clientId);
    }),
    // Node-local: an unsubscribe here is told to the authority wherever it is.
    kuiper.on('subscription:removed', ({ clientId, channel }) => {
      const room = docRoom(channel);
      if (room === undefined) return;
      chat.left(clientId, room);
      if (rooms.has(room)) leave(clientId, room);
      else stopRelaying(clientId, room);
    }),
    // Rooms open on this node are answered here; a message for any other room is relayed to its
    // authority, or refused `service_unknown` (COLLAB-21).
    kuiper.addService('/service/rooms/**', (data, ctx) => {
      const channel = ctx.message.channel;
      const room = roomOfChannel(channel);
      const open = room === undefined ? undefined : rooms.get(room);
      if (room !== undefined && open) {
        const channels = roomChannels(room);
        if (channel === channels.sync || channel === channels.presenceSet) return receive(room, open, data, ctx.session);
      }
      return chat.service(channel, data, ctx.session) ?? relayOut(data, channel, ctx.session);
    }),
    // The relay carries sessions as the servers vouch for them: no client may speak or listen there.
    kuiper.authorize(`${RELAY_PREFIX}/**`, () => ({ deny: 'collab_relay' })),
    // [EVENTS-2] Room events: members only, stamped with the sender's session.
    kuiper.addExtension(eventsGuard(kuiper)),
    kuiper.addExtension(chat.guard), // [CHAT-1] only the server publishes chat events
  ];

  const handles = new ServerDocuments(kuiper, store, versions);
  return {
    openDocument: (room, opts) => handles.open(room, opts),
    assets: assetsApi({ kuiper, store, authorize }, assets),
    versions: versionsApi({ kuiper, store, authorize }, versions),
    storedVersions: (room) => storedVersions(store, versions ?? {}, room),
    openRooms: () => [...rooms.keys()],
    detach: async () => {
      await handles.close().catch(report); // its rooms are left while the hooks still hear it
      offs.forEach((off) => off());
      clearInterval(timer);
      await Promise.all([...[...rooms].map(([room, open]) => unload(room, open)), ...closing]);
      await Promise.all(collections); // before the caller closes the store they read
      await leases.close().catch(report);
      lobby?.detach();
    },
  };
}
