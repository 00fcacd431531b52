/**
 * The in-memory document store: the contract's reference implementation, for tests and for a
 * server that keeps nothing across restarts. Appended bytes are copied so a caller reusing its
 * buffer cannot change what was stored (COLLAB-15); a snapshot is kept as given, which the contract
 * allows (its caller never changes it: the authority's own encoding, which a sleeping room keeps
 * too, COLLAB-40), so an idle room's document is held once, not twice (COLLAB-39).
 */
import type { ChatMessage } from '../chat/types.js';
import type { AssetEntry, AssetMark, AssetPut, ChatChange, ChatChangeResult, ChatDraft, ChatPage, ChatPageQuery, DocumentStore, StoredDocument, StoredUpdate, VersionDraft, VersionEntry } from '../core/store.js';
import { applyChange, chatRecord, pageRange } from './chat-records.js';
import { isVersionId, prunedVersions, versionRecord } from './version-records.js';

interface Room {
  snapshot: Uint8Array | undefined;
  snapshotSeq: number;
  nextSeq: number;
  updates: StoredUpdate[];
  /** Message `serial` at index serial - 1. */
  chat: ChatMessage[];
  /** Made on the first read position or sender id: most rooms (an idle one) never need them. */
  reads?: Map<string, number>;
  /** Sender ids of messages → their serial. */
  ids?: Map<string, number>;
  /** [COLLAB-47] Pictures by the SHA-256 of their bytes. */
  assets?: Map<string, Uint8Array>;
  /** Their bytes summed, for the room's limit. */
  assetBytes?: number;
  /** [COLLAB-48] Since when a collection found each unused. */
  assetUnused?: Map<string, number>;
  /** [COLLAB-50] Versions by id: insertion order is id order, as ids only grow. */
  versions?: Map<number, { entry: VersionEntry; state: Uint8Array }>;
  /** The last version id given, kept apart from the map so pruning never lets an id come back. */
  lastVersion?: number;
}

/**
 * Shared by every room until its first update or chat message (an idle room has neither: its
 * document is in the snapshot): each is replaced by a room's own array before a push. Frozen, so a
 * push that forgot to replace it throws.
 */
const NO_UPDATES = Object.freeze([]) as unknown as StoredUpdate[];
const NO_CHAT = Object.freeze([]) as unknown as ChatMessage[];

export class MemoryStore implements DocumentStore {
  private readonly rooms = new Map<string, Room>();

  async load(room: string): Promise<StoredDocument> {
    const r = this.rooms.get(room);
    if (!r) return { snapshot: undefined, snapshotSeq: 0, updates: [] };
    return { snapshot: r.snapshot?.slice(), snapshotSeq: r.snapshotSeq, updates: r.updates.map((u) => ({ seq: u.seq, update: u.update.slice() })) };
  }

  async appendUpdate(room: string, update: Uint8Array): Promise<number> {
    const r = this.room(room);
    const seq = r.nextSeq++;
    if (r.updates === NO_UPDATES) r.updates = [];
    r.updates.push({ seq, update: update.slice() });
    return seq;
  }

  async writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    const r = this.room(room);
    if (upToSeq < r.snapshotSeq) return; // an older snapshot never replaces a newer one
    r.snapshot = snapshot;
    r.snapshotSeq = upToSeq;
    const left = r.updates.filter((u) => u.seq > upToSeq);
    r.updates = left.length > 0 ? left : NO_UPDATES;
    r.nextSeq = Math.max(r.nextSeq, upToSeq + 1);
  }

  async appendChat(room: string, draft: ChatDraft): Promise<ChatMessage> {
    const r = this.room(room);
    const known = draft.id === undefined ? undefined : r.ids?.get(draft.id);
    if (known !== undefined) return r.chat[known - 1]!;
    if (draft.id !== undefined) (r.ids ??= new Map()).set(draft.id, r.chat.length + 1);
    const message: ChatMessage = { serial: r.chat.length + 1, ...chatRecord(draft) };
    if (r.chat === NO_CHAT) r.chat = [];
    r.chat.push(message);
    return message;
  }

  async changeChat(room: string, serial: number, authorId: string, change: ChatChange): Promise<ChatChangeResult> {
    const r = this.room(room);
    const result = applyChange(r.chat[serial - 1], authorId, change);
    if ('message' in result) r.chat[serial - 1] = result.message;
    return result;
  }

  async chatPage(room: string, query: ChatPageQuery): Promise<ChatPage> {
    const chat = this.rooms.get(room)?.chat ?? [];
    const range = pageRange(chat.length, query);
    return { messages: chat.slice(range.from - 1, Math.max(range.from - 1, range.to)), hasMore: range.hasMore };
  }

  async setChatRead(room: string, userId: string, serial: number): Promise<number> {
    const r = this.room(room);
    const reads = (r.reads ??= new Map());
    const position = Math.max(reads.get(userId) ?? 0, serial);
    reads.set(userId, position);
    return position;
  }

  async chatRead(room: string, userId: string): Promise<number> {
    return this.rooms.get(room)?.reads?.get(userId) ?? 0;
  }

  async putAsset(room: string, id: string, bytes: Uint8Array, maxRoomBytes = Infinity): Promise<AssetPut> {
    const r = this.room(room);
    const assets = (r.assets ??= new Map());
    if (assets.has(id)) {
      r.assetUnused?.delete(id); // uploaded again: in use again (COLLAB-48)
      return 'exists';
    }
    if ((r.assetBytes ?? 0) + bytes.byteLength > maxRoomBytes) return 'full';
    assets.set(id, bytes.slice()); // a copy: the caller may reuse its buffer
    r.assetBytes = (r.assetBytes ?? 0) + bytes.byteLength;
    return 'stored';
  }

  async getAsset(room: string, id: string): Promise<Uint8Array | undefined> {
    return this.rooms.get(room)?.assets?.get(id);
  }

  async hasAssets(room: string, ids: readonly string[]): Promise<string[]> {
    const assets = this.rooms.get(room)?.assets;
    return ids.filter((id) => assets?.has(id) === true);
  }

  async listAssets(room: string): Promise<AssetEntry[]> {
    const r = this.rooms.get(room);
    return [...(r?.assets?.keys() ?? [])].map((id) => {
      const since = r?.assetUnused?.get(id);
      return since === undefined ? { id } : { id, unusedSince: since };
    });
  }

  async markAssets(room: string, marks: readonly AssetMark[]): Promise<void> {
    const r = this.rooms.get(room);
    if (!r?.assets) return;
    const unused = (r.assetUnused ??= new Map());
    for (const { id, unusedSince } of marks) {
      if (!r.assets.has(id)) continue;
      if (unusedSince === null) unused.delete(id);
      else unused.set(id, unusedSince);
    }
  }

  async deleteAssets(room: string, ids: readonly string[], before: number): Promise<string[]> {
    const r = this.rooms.get(room);
    const deleted: string[] = [];
    for (const id of ids) {
      const since = r?.assetUnused?.get(id);
      const stored = r?.assets?.get(id);
      if (!r || !stored || since === undefined || since > before) continue;
      r.assets!.delete(id);
      r.assetUnused!.delete(id);
      r.assetBytes = (r.assetBytes ?? 0) - stored.byteLength;
      deleted.push(id);
    }
    return deleted;
  }

  async putVersion(room: string, draft: VersionDraft, keep: number): Promise<VersionEntry> {
    const r = this.room(room);
    const id = (r.lastVersion ?? 0) + 1;
    r.lastVersion = id;
    const entry: VersionEntry = { id, ...versionRecord(draft) };
    const versions = (r.versions ??= new Map());
    versions.set(id, { entry, state: draft.state.slice() }); // a copy: the caller may reuse its buffer
    for (const old of prunedVersions([...versions.values()].map((v) => v.entry), keep)) versions.delete(old);
    return entry;
  }

  async listVersions(room: string): Promise<VersionEntry[]> {
    return [...(this.rooms.get(room)?.versions?.values() ?? [])].map((v) => v.entry).reverse();
  }

  async getVersion(room: string, id: number): Promise<Uint8Array | undefined> {
    if (!isVersionId(id)) return undefined;
    // A copy: a caller changing what it was given must not change the history.
    return this.rooms.get(room)?.versions?.get(id)?.state.slice();
  }

  async delete(room: string): Promise<void> {
    this.rooms.delete(room);
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }

  private room(room: string): Room {
    let r = this.rooms.get(room);
    if (!r) this.rooms.set(room, (r = { snapshot: undefined, snapshotSeq: 0, nextSeq: 1, updates: NO_UPDATES, chat: NO_CHAT }));
    return r;
  }
}
