/**
 * The member side of rooms over a Kuiper client: a `RoomMember` whose wire messages go out on the
 * room's service channels and come in on its document and presence channels (COLLAB-24, COLLAB-25).
 */
import type * as Y from 'yjs';
import { roomChannels } from '../protocol/channels.js';
import { collabError, describeThrown, type CollabError } from '../protocol/errors.js';
import { isCreditedChunk, PULL_EVERY, pullMessage, REPLY_WINDOW } from '../protocol/flow.js';
import { Listeners } from '../core/listeners.js';
import type { SyncStatus } from '../core/document-sync.js';
import type { PresenceState } from '../core/presence-state.js';
import { RoomMember, type RoomMemberOptions } from '../core/room-member.js';
import { enterChat } from '../chat/enter-chat.js';
import type { RoomChat } from '../chat/types.js';
import { createRoomEvents, type RoomEvents } from './room-events.js';
import { UndoHistory, type UndoState } from '../core/undo-history.js';
import { openOfflineStore, type OfflineOptions, type OfflineStore } from './offline.js';
import { syncWatchdog } from './sync-watchdog.js';
import { createRoomAssets, type RoomAssets } from './assets.js';
import { createRoomVersions, type RoomVersions } from './versions.js';
import { systemClock } from '../core/clock.js';

/**
 * What `enterRoom` needs of a client: `@kuiper/client`'s `KuiperClient` fits as is. Structural, so
 * this package does not depend on the client package (a test can hand it anything that speaks Bayeux).
 */
export interface RoomClient {
  subscribe(channel: string, handler: (data: unknown) => void): { readonly ready: Promise<unknown>; unsubscribe(): unknown };
  publish(channel: string, data: unknown): Promise<unknown>;
  onSession(listener: (event: { readonly clientId: string; readonly resumed: boolean }) => void): () => void;
  /** [CHAT-1] A request answered by a service (room.chat's requests); without it chat calls reject. */
  call?(channel: string, data: unknown): Promise<unknown>;
  /** This connection's id while connected: room events leave their own echo out by it. */
  readonly clientId?: string | undefined;
  /** [COLLAB-25] The server's word that messages of these channels are lost (`@kuiper/client`'s CLI-38). */
  onUnrecovered?(listener: (event: { readonly channels: readonly string[]; readonly reason: string }) => void): () => void;
  /** `@kuiper/client`'s connection status: while it is not `connected`, a silent room is not asked again. */
  readonly status?: string;
}

export interface EnterRoomOptions extends Pick<RoomMemberOptions, 'doc' | 'presence' | 'throttleMs' | 'clock' | 'maxMessageBytes' | 'hidden'> {
  /**
   * [COLLAB-33] Keep the document in this browser's IndexedDB (`kuiper:<room>` unless named): it is
   * loaded before the handshake, so offline edits and a reload while offline are not lost.
   */
  offline?: boolean | OfflineOptions;
  /**
   * [COLLAB-38] While the room waits for the server (`synchronizing`) and hears nothing from it for
   * this long, the handshake starts again; the wait doubles up to a minute. Default 5000 ms.
   */
  syncRetryMs?: number;
  /**
   * [COLLAB-47] Where the server's `collab.assets` handler is mounted (its `basePath`, such as
   * `/kuiper-assets`): pictures are then uploaded there and the document refers to them. Without it,
   * `room.assets` is undefined and a whiteboard keeps its pictures inline.
   */
  assetsUrl?: string;
  /**
   * [COLLAB-50] Where the server's `collab.versions` handler is mounted (`/kuiper-versions`):
   * `room.versions` lists, saves and brings back versions there. Without it, undefined.
   */
  versionsUrl?: string;
}

export interface Room {
  readonly id: string;
  /** The shared document; edit it as any Y.Doc. */
  readonly doc: Y.Doc;
  /** Resolves once `doc` holds the server's state (rejects if the room cannot be entered). */
  readonly synced: Promise<void>;
  /** `set(patch)`, `others()`, `subscribe(fn)`: one entry per other connection in the room. */
  readonly presence: PresenceState;
  /** `synchronizing` while a local edit is not yet stored by the server (warn before a tab closes). */
  readonly syncStatus: SyncStatus;
  subscribeSyncStatus(fn: (status: SyncStatus) => void): () => void;
  /**
   * True while a local edit is not stored by the server (in flight, or made offline). Unlike
   * `syncStatus`, false while merely loading or disconnected with nothing to lose: what a
   * "leave the page?" prompt should ask.
   */
  readonly unsavedEdits: boolean;
  /** Errors from the server (a refused update: `read_only`, `update_invalid`…) or from the transport. */
  onError(fn: (error: CollabError) => void): () => void;
  /**
   * [COLLAB-33] True once `doc` holds what this browser kept (option `offline`), even with no server;
   * false without the option or without IndexedDB (then `onError` reports `offline_unavailable`).
   */
  readonly restored: Promise<boolean>;
  /**
   * [BOARD-6] Per-user undo: only this member's own edits, never another member's (remote updates
   * are not tracked). `history.beginGesture()` makes a drag one step.
   */
  readonly history: UndoHistory;
  undo(): boolean;
  redo(): boolean;
  canUndo(): boolean;
  canRedo(): boolean;
  subscribeUndo(fn: (state: UndoState) => void): () => void;
  /** [EVENTS-1] Ephemeral events to the room's other members: `broadcast(data)`, `subscribe(fn)`. */
  readonly events: RoomEvents;
  /** [CHAT-5] The room's chat: `send`, `messages()`, `history`, `edit`, `delete`, typing and read positions. */
  readonly chat: RoomChat;
  /** [COLLAB-47] The room's pictures (`upload`, `url`), with the option `assetsUrl`; else undefined. */
  readonly assets: RoomAssets | undefined;
  /** [COLLAB-50] The room's version history (`list`, `save`, `open`, `restore`), with the option `versionsUrl`; else undefined. */
  readonly versions: RoomVersions | undefined;
  /** Resolves once every local edit made so far is acknowledged as stored by the server. */
  flush(): Promise<void>;
  /** Unsubscribes; the server removes this connection's presence. The document stays usable offline. */
  leave(): void;
}

export function enterRoom(client: RoomClient, roomId: string, options: EnterRoomOptions = {}): Room {
  const { offline, syncRetryMs = 5000, assetsUrl, versionsUrl, ...memberOptions } = options;
  const channels = roomChannels(roomId);
  const errors = new Listeners<CollabError>();
  let left = false;
  /** While the room starts: what the first publish on the sync channel (sync step 1) became. */
  let firstSync: Promise<unknown> | undefined;
  let starting = false;
  const send = (channel: string, message: unknown): void => {
    if (left) return;
    const sent = client.publish(channel, message);
    if (starting && channel === channels.sync) firstSync ??= sent;
    sent.catch((thrown: unknown) => {
      // A publish the transport lost is resent by the next handshake (COLLAB-10); say why meanwhile.
      if (!left) errors.emit(collabError('send_failed', `${roomId}: ${describeThrown(thrown)}`));
    });
  };
  const member = new RoomMember({
    ...memberOptions,
    send: (channel, message) => send(channel === 'sync' ? channels.sync : channels.presenceSet, message),
  });
  const offSyncErrors = member.sync.onError((error) => errors.emit(error));
  const history = new UndoHistory(member.doc); // tracks local transactions only (COLLAB-5 origins are not)
  let credited = 0; // chunks the server counts against our window, since this session began
  const receive = (data: unknown): void => {
    // [COLLAB-27] Read: let the server send more of a large reply.
    if (isCreditedChunk(data)) {
      watchdog.heard(); // a large reply is arriving: not a lost handshake (presence chatter is no sign of that)
      if (++credited % PULL_EVERY === 0) send(channels.sync, pullMessage(PULL_EVERY));
    }
    const problem = member.receive(data);
    if (problem) errors.emit(problem);
  };
  // Document first: its subscribe is the one that loads the room on the server (COLLAB-20).
  const subscriptions = [client.subscribe(channels.doc, receive), client.subscribe(channels.presence, receive)];

  // [COLLAB-33] The local copy is applied before the handshake: the state vector then covers it and
  // the server is sent what it lacks (COLLAB-10). Without IndexedDB the room still works online.
  let kept: OfflineStore | undefined;
  const restored = !offline
    ? Promise.resolve(false)
    : openOfflineStore(roomId, member.doc, offline === true ? {} : offline).then((opened) => {
        if (!opened.ok) return (errors.emit(opened.error), false);
        if (left) return (void opened.value.destroy().catch(() => undefined), false);
        kept = opened.value;
        return true;
      });

  // [COLLAB-24] Sync step 1 and presence go right behind the subscribes, without waiting for their
  // answers: the server handles one client's messages in order, and the document's subscribe is
  // answered only once the room is loaded, so the handshake reaches a loaded room. A client not yet
  // connected sends all of it right behind its Bayeux handshake (client CLI-39): a late joiner
  // waits two round trips for the document instead of four.
  let entered = false;
  let refused = false;
  /** The session that acknowledged the starting sync step 1, or undefined if it was lost. */
  let opening: Promise<string | undefined> | undefined;
  const start = (): void => {
    if (left || refused) return;
    entered = true;
    starting = true;
    member.connected();
    starting = false;
    opening = firstSync?.then(
      () => client.clientId,
      () => undefined,
    );
    firstSync = undefined;
  };
  const subscribed = Promise.all(subscriptions.map((s) => s.ready));
  subscribed.catch(() => (refused = true));
  // A microtask later, not at once: a room left in the same turn (React's StrictMode mounts, unmounts
  // and mounts again) then never sends a handshake the client would still carry out after leave().
  if (offline) void restored.then(start);
  else queueMicrotask(start);
  const ready = Promise.all([subscribed, restored]).then(() => undefined);
  // [COLLAB-38] Armed once the subscribes are answered (the room is loaded by then: a slow load is
  // not a lost handshake), and again whenever the member starts waiting for the server.
  const watchdog = syncWatchdog({
    clock: memberOptions.clock ?? systemClock,
    delayMs: syncRetryMs,
    waiting: () => entered && !left && member.syncStatus === 'synchronizing',
    connected: () => client.status === undefined || client.status === 'connected',
    retry: () => resyncDocument(),
  });
  const offWatchdog = member.sync.subscribe((status) => (status === 'synchronized' ? watchdog.settle() : watchdog.arm()));
  void ready.then(() => watchdog.arm(), () => undefined);
  const restart = (): void => {
    credited = 0; // the new session has a fresh window
    member.disconnected();
    member.connected();
  };
  // [COLLAB-25] A new server session knows nothing of this member: start over with a handshake
  // that sends whatever the old session had not acknowledged.
  const offSession = client.onSession(({ clientId, resumed }) => {
    if (!entered || left || refused) return;
    const started = opening;
    opening = undefined;
    if (resumed) return resync();
    if (!started) return restart();
    // The room started before this session connected: its handshake went with the subscribes and
    // stands if this very session acknowledged it; otherwise it was lost with an earlier one.
    void started.then((ackedIn) => {
      if (ackedIn !== clientId && !left && !refused) restart();
    });
  });
  // [COLLAB-25] The same session came back, or the server says some of the room's messages are gone:
  // without the ack extension whatever was in flight when the connection dropped is lost. Done on
  // every resume, ack or not: a state vector is a few bytes per writer and the server answers only
  // the difference, a resume happens once per dropped connection, and the client cannot tell whether
  // the server granted ack. Yjs makes a repeated update harmless, so nothing needs acknowledging.
  const resyncDocument = (): void => {
    // Credited chunks lost in flight would shrink the server's window for good; it caps a pull at it.
    send(channels.sync, pullMessage(REPLY_WINDOW));
    member.resync();
  };
  const resync = (): void => {
    resyncDocument();
    chat.catchUp();
  };
  const roomChannelSet = new Set<string>(Object.values(channels));
  const offUnrecovered = client.onUnrecovered?.(({ channels: lost }) => {
    if (entered && !left && lost.some((c) => roomChannelSet.has(c))) resync();
  });

  const events = createRoomEvents(channels.events, {
    subscribe: (channel, handler) => client.subscribe(channel, handler),
    publish: (channel, data) => client.publish(channel, data),
    self: () => client.clientId,
    entered: ready,
    onError: (error) => errors.emit(error),
  });

  const chat = enterChat(client, roomId, ready, { onError: (error) => errors.emit(error) });

  const synced = ready.then(() => member.synced);
  synced.catch(() => undefined); // a caller that never awaits it sees no unhandled rejection

  return {
    id: roomId,
    doc: member.doc,
    synced,
    presence: member.presence,
    get syncStatus() {
      return member.syncStatus;
    },
    subscribeSyncStatus: (fn) => member.sync.subscribe(fn),
    get unsavedEdits() {
      return member.sync.unsavedEdits;
    },
    onError: (fn) => errors.subscribe(fn),
    restored,
    history,
    undo: () => history.undo(),
    redo: () => history.redo(),
    canUndo: () => history.canUndo(),
    canRedo: () => history.canRedo(),
    subscribeUndo: (fn) => history.subscribe(fn),
    events,
    chat: chat.chat,
    assets: assetsUrl === undefined ? undefined : createRoomAssets(roomId, { baseUrl: assetsUrl, clientId: () => client.clientId }),
    versions: versionsUrl === undefined ? undefined : createRoomVersions(roomId, { baseUrl: versionsUrl, clientId: () => client.clientId, entered: synced, doc: member.doc, flush: () => member.flush() }),
    flush: () => member.flush(),
    leave: () => {
      if (left) return;
      left = true;
      offSession();
      offUnrecovered?.();
      offWatchdog();
      watchdog.stop();
      offSyncErrors();
      events.close();
      chat.leave();
      for (const subscription of subscriptions) void Promise.resolve(subscription.unsubscribe()).catch(() => undefined);
      member.disconnected();
      member.destroy();
      void kept?.destroy().catch(() => undefined); // stops writing; what was kept stays for the next visit
    },
  };
}
