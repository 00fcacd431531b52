import type { ChatAuthor, ChatMessage, ChatReplyTo } from '../chat/types.js';

/**
 * The one interface every document store implements (COLLAB-14), as engines are for the server:
 * an append-only log of updates since the last snapshot, and a snapshot that replaces a prefix of it.
 */
export interface StoredUpdate {
  /** Increasing per room, never reused, even after the entries before it are compacted away. */
  readonly seq: number;
  readonly update: Uint8Array;
}

export interface StoredDocument {
  /** The compacted state covering every update up to `snapshotSeq`, or undefined for none yet. */
  readonly snapshot: Uint8Array | undefined;
  readonly snapshotSeq: number;
  /** Updates after the snapshot, in seq order. */
  readonly updates: readonly StoredUpdate[];
}

/** A chat message before the store gives it its serial. */
export interface ChatDraft {
  readonly author: ChatAuthor;
  readonly text: string;
  readonly sentAt: number;
  /** The sender's id for this message (1-128 characters): a retried send with it is stored once. */
  readonly id?: string;
  /** [CHAT-14] Its pictures (asset srcs), kept with the message. */
  readonly images?: readonly string[];
  /** [CHAT-16] The quote of the message it answers, kept with it. */
  readonly replyTo?: ChatReplyTo;
}

/**
 * An edit (new text) or a delete, by the author only; or [CHAT-15] a reaction given (`on`) or taken
 * back, by anyone (`by`, whose id is also the call's `authorId`).
 */
export type ChatChange =
  | { readonly text: string; readonly editedAt: number }
  | { readonly deleted: true; readonly editedAt: number }
  | { readonly react: string; readonly on: boolean; readonly by: ChatAuthor };

/**
 * The message as changed (as it was, when a reaction changed nothing), or why nothing changed: no
 * such message or deleted, someone else's, or [CHAT-15] a reaction past the message's limits.
 */
export type ChatChangeResult = { readonly message: ChatMessage } | { readonly refused: 'not_found' | 'forbidden' | 'too_many' };

/** A page of a room's chat, ascending by serial; `hasMore`: there are messages beyond it in that direction. */
export interface ChatPage {
  readonly messages: ChatMessage[];
  readonly hasMore: boolean;
}

/** `before`: the newest `limit` older than it (default: the newest); `after`: the oldest `limit` newer than it. */
export interface ChatPageQuery {
  readonly before?: number;
  readonly after?: number;
  readonly limit: number;
}

/**
 * [CHAT-4] Chat lives in the same store as the documents. Serials are the store's to give, so that
 * every node sharing it (Redis) numbers one room's messages 1, 2, 3… with no gap and no duplicate.
 */
export interface ChatStore {
  /**
   * Gives the draft the room's next serial and stores it; resolves only once it is durable. A draft
   * whose `id` the room already has is not stored again: the message stored with it is returned.
   */
  appendChat(room: string, draft: ChatDraft): Promise<ChatMessage>;
  /**
   * Applies an edit or delete to message `serial` if `authorId` wrote it and it is not deleted, or a
   * reaction of anyone's (CHAT-15) if it is not deleted; durable on resolve. Two changes at once both land.
   */
  changeChat(room: string, serial: number, authorId: string, change: ChatChange): Promise<ChatChangeResult>;
  chatPage(room: string, query: ChatPageQuery): Promise<ChatPage>;
  /** Raises the user's read position to `serial` (never lowers it); resolves with the stored position. */
  setChatRead(room: string, userId: string, serial: number): Promise<number>;
  /** The user's read position, 0 when nothing was read. */
  chatRead(room: string, userId: string): Promise<number>;
}

/**
 * [COLLAB-47] A room's pictures (whiteboard images), stored once each under the SHA-256 of their
 * bytes, beside the document that refers to them rather than inside it. Optional: a store without
 * them serves no assets, and images stay inline in the document.
 */
export interface AssetStore {
  /**
   * Stores `bytes` as the room's asset `id` (their SHA-256, hex); durable on resolve. `exists` when
   * the room has it already (nothing changes); `full` when the room's assets would pass
   * `maxRoomBytes` with it (nothing is stored). The check and the write are one step, so uploads
   * racing each other, on one node or several, never pass the limit together.
   */
  putAsset(room: string, id: string, bytes: Uint8Array, maxRoomBytes?: number): Promise<AssetPut>;
  /** The asset's bytes, or undefined when the room has none of that id. */
  getAsset(room: string, id: string): Promise<Uint8Array | undefined>;
  /**
   * [CHAT-14] Those of `ids` the room has, in their order; reads no picture's bytes. Optional (a
   * store without it lets a chat message name pictures unchecked); every store of this package has it.
   */
  hasAssets?(room: string, ids: readonly string[]): Promise<string[]>;
  /**
   * [COLLAB-48] The room's assets: each id, and since when a collection found it unused (absent when
   * it is in use or was never looked at). Reads no picture's bytes.
   */
  listAssets(room: string): Promise<AssetEntry[]>;
  /**
   * [COLLAB-48] Marks assets unused since a time, or clears the mark (`null`); ids the room lacks are
   * skipped. A `putAsset` of an id the room has (`exists`: someone uses it again) clears it too.
   */
  markAssets(room: string, marks: readonly AssetMark[]): Promise<void>;
  /**
   * [COLLAB-48] Deletes each of `ids` that is still marked unused since `before` or earlier (one
   * whose mark was cleared meanwhile stays), its bytes leaving the room's total. Resolves with the
   * ids deleted. Durable on resolve.
   */
  deleteAssets(room: string, ids: readonly string[], before: number): Promise<string[]>;
}

export type AssetPut = 'stored' | 'exists' | 'full';

export interface AssetEntry {
  readonly id: string;
  readonly unusedSince?: number;
}

export interface AssetMark {
  readonly id: string;
  readonly unusedSince: number | null;
}

/**
 * [COLLAB-50] Version history: whole states of a room's document kept apart from its snapshot, so
 * a board someone emptied can be brought back. Optional, as assets are: a store without it keeps no
 * versions (the server then saves none and its versions routes answer 501).
 */
export interface VersionStore {
  /**
   * Stores `draft` as the room's next version (ids 1, 2, 3… per room, never reused) and resolves
   * with its entry once it is durable. Then, in the same step, drops the oldest versions without a
   * label beyond the newest `keep` of them; a labelled version is only dropped with its room.
   */
  putVersion(room: string, draft: VersionDraft, keep: number): Promise<VersionEntry>;
  /** The room's versions, newest first (no document bytes read). */
  listVersions(room: string): Promise<VersionEntry[]>;
  /** The document state of version `id` (a Yjs update), or undefined when the room has no such version. */
  getVersion(room: string, id: number): Promise<Uint8Array | undefined>;
}

/** A version before the store gives it its id. */
export interface VersionDraft {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
  /** The whole document then, as a Yjs update (`Y.encodeStateAsUpdate`). */
  readonly state: Uint8Array;
  /** The last stored update it covers (COLLAB-14's seq), so an unchanged document is not kept twice. */
  readonly seq: number;
  /** A name a member gave it ("Before the launch"); none for the ones the server takes by itself. */
  readonly label?: string;
  /** Who saved it; none for the server's own. */
  readonly by?: ChatAuthor;
}

export interface VersionEntry {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  /** The size of its state, bytes. */
  readonly bytes: number;
  readonly label?: string;
  readonly by?: ChatAuthor;
}

export interface DocumentStore extends ChatStore, Partial<AssetStore>, Partial<VersionStore> {
  /** The room's stored state; an unknown room loads as empty. Rejects when it cannot read. */
  load(room: string): Promise<StoredDocument>;
  /** Appends one update; resolves with its seq only once it is durable (it survives `kill -9`). */
  appendUpdate(room: string, update: Uint8Array): Promise<number>;
  /**
   * Replaces the snapshot and drops the log entries it covers (seq ≤ upToSeq), atomically. The
   * caller never changes `snapshot` afterwards (COLLAB-15), so a store may keep it as given.
   */
  writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void>;
  /**
   * [COLLAB-30] Only a store several nodes share (Redis) has these four. A room's authority is the
   * node written for it, for as long as that node's own lease lives: one lease per node, renewed
   * whatever the number of its rooms.
   *
   * Renews `node`'s lease for `ttlMs` (0 drops it: the node is leaving). False when it was not
   * there: the node's first renewal, or it lapsed and other nodes may have taken its rooms over.
   */
  renewNode?(node: string, ttlMs: number): Promise<boolean>;
  /**
   * Makes `node` the room's authority unless another node whose lease lives is (a holder whose
   * lease lapsed is replaced). Returns the room's authority after: `node` when it has the room.
   */
  claimAuthority?(room: string, node: string): Promise<string>;
  /** Of `nodes`, those whose lease lives. */
  liveNodes?(nodes: readonly string[]): Promise<Set<string>>;
  /** Gives the room up, if `node` is still its authority. */
  releaseAuthority?(room: string, node: string): Promise<void>;
  /** Forgets the room entirely (its assets too). */
  delete(room: string): Promise<void>;
  close(): Promise<void>;
}
