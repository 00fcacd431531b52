/**
 * [COLLAB-50] The versions the server takes by itself. A room's authority already writes a whole
 * state of the document at each compaction (COLLAB-14): the first one written `everyMs` after the
 * room's newest version is kept as a version too, so a room edited all day has one every ten
 * minutes or so, and an idle room none. Nothing is encoded for it: the snapshot's bytes are kept as
 * they are. A version that cannot be written costs the snapshot nothing (the error is reported).
 */
import * as Y from 'yjs';
import type { ChatAuthor } from '../chat/types.js';
import type { DocumentStore, VersionEntry, VersionStore } from '../core/store.js';
import { withMethods } from './observed-store.js';

export interface VersionsOptions {
  /** The least time between two versions the server takes by itself (default 10 minutes); `Infinity` takes none. */
  everyMs?: number;
  /** How many of those (unlabelled) a room keeps, the oldest going first (default 50). */
  keep?: number;
  /**
   * The most their states may take together per room (default 32 MiB), the oldest going first past
   * it: 50 copies of a 20 MB board would be a gigabyte of disk, or of Redis's memory. The newest is
   * kept whatever its size.
   */
  maxRoomBytes?: number;
  /** How many versions members may save with a name per room (default 100); past it a save is 507 `versions_full`. */
  maxLabelled?: number;
  /** Where `collab.versions` serves them (default `/kuiper-versions`): the client's `enterRoom(…, { versionsUrl })`. */
  basePath?: string;
}

export const DEFAULT_VERSION_EVERY_MS = 10 * 60 * 1000;
export const DEFAULT_VERSIONS_KEPT = 50;
export const DEFAULT_VERSION_ROOM_BYTES = 32 * 1024 * 1024;

/**
 * How many unlabelled versions to keep once `added` is put after `listed` (newest first): at most
 * `keep`, the newest first, while their states fit in `maxBytes` together; the newest unlabelled
 * one (the one added, unless it has a label) whatever its size.
 */
export function versionsToKeep(listed: readonly VersionEntry[], added: { readonly bytes: number; readonly labelled: boolean }, keep: number, maxBytes: number): number {
  let total = added.labelled ? 0 : added.bytes;
  let kept = added.labelled ? 0 : 1;
  for (const v of listed) {
    if (v.label !== undefined) continue; // never pruned, so not the budget's to spend
    if (kept >= keep || (kept > 0 && total + v.bytes > maxBytes)) break;
    total += v.bytes;
    kept++;
  }
  return kept;
}

/** The store's versions, when it keeps them. */
export function versionsOf(store: DocumentStore): VersionStore | undefined {
  const { putVersion, listVersions, getVersion } = store;
  if (!putVersion || !listVersions || !getVersion) return undefined;
  return { putVersion: putVersion.bind(store), listVersions: listVersions.bind(store), getVersion: getVersion.bind(store) };
}

/** The rooms whose newest version's time is remembered (about 100 bytes each); the least recently snapshotted go first. */
const REMEMBERED_ROOMS = 10_000;

/** An empty document encodes to two bytes (no structs, no deletions): nothing worth going back to. */
const EMPTY_STATE_BYTES = 2;

/** Whether a snapshot covering `seq`, written at `now`, is to be kept as a version after `newest`. */
export function versionDue(newest: VersionEntry | undefined, seq: number, now: number, everyMs: number): boolean {
  if (newest === undefined) return everyMs !== Infinity;
  return newest.seq !== seq && now - newest.at >= everyMs;
}

/** `store` with each snapshot kept as a version when one is due; every other member is the store's own. */
export function versionedStore(store: DocumentStore, options: VersionsOptions, report: (error: unknown) => void, now: () => number = Date.now): DocumentStore {
  const versions = versionsOf(store);
  const everyMs = options.everyMs ?? DEFAULT_VERSION_EVERY_MS;
  if (!versions || everyMs === Infinity) return store;
  const keep = options.keep ?? DEFAULT_VERSIONS_KEPT;
  const maxBytes = options.maxRoomBytes ?? DEFAULT_VERSION_ROOM_BYTES;
  // When each room's newest version was kept, as last read here: a snapshot written sooner than
  // `everyMs` after it reads nothing more. A save made since (by a member, maybe on another node)
  // only makes the real newest newer, so the list read once this says due still decides. (A room
  // the app deletes and makes again within `everyMs` gets its first automatic version that late.)
  const newestAt = new Map<string, number>();
  const remember = (room: string, at: number): void => {
    newestAt.delete(room); // re-inserted last: the Map's order is the rooms' last use
    newestAt.set(room, at);
    if (newestAt.size > REMEMBERED_ROOMS) newestAt.delete(newestAt.keys().next().value as string);
  };
  const writeSnapshot = async (room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> => {
    await store.writeSnapshot(room, snapshot, upToSeq);
    if (snapshot.byteLength <= EMPTY_STATE_BYTES) return;
    const at = now();
    const known = newestAt.get(room);
    if (known !== undefined && at - known < everyMs) return;
    try {
      const listed = await versions.listVersions(room);
      if (!versionDue(listed[0], upToSeq, at, everyMs)) {
        if (listed[0]) remember(room, listed[0].at);
        return;
      }
      const kept = await versions.putVersion(room, { at, state: snapshot, seq: upToSeq }, versionsToKeep(listed, { bytes: snapshot.byteLength, labelled: false }, keep, maxBytes));
      remember(room, kept.at);
    } catch (error) {
      report(error);
    }
  };
  return withMethods(store, { writeSnapshot });
}

export interface SaveVersion {
  readonly label?: string;
  readonly by?: ChatAuthor;
  readonly at: number;
  /** Named versions the room may hold; past it a named save throws `VersionsFull`. Default: no limit. */
  readonly maxLabelled?: number;
}

/** A named save past `maxLabelled`. */
export class VersionsFull extends Error {}

/**
 * Keeps the room's document as stored now as a version (what a member's or the server's save
 * does); `created` false when it was unnamed and unchanged since the newest, which is returned.
 */
export async function saveVersion(store: DocumentStore, versions: VersionStore, room: string, save: SaveVersion, options: VersionsOptions): Promise<{ version: VersionEntry; created: boolean }> {
  const listed = await versions.listVersions(room);
  const { state, seq } = await storedState(store, room);
  const newest = listed[0];
  if (save.label === undefined && newest !== undefined && newest.seq === seq) return { version: newest, created: false };
  if (save.label !== undefined && save.maxLabelled !== undefined && listed.filter((v) => v.label !== undefined).length >= save.maxLabelled) {
    throw new VersionsFull(`room ${room} keeps at most ${save.maxLabelled} named versions`);
  }
  const keep = versionsToKeep(listed, { bytes: state.byteLength, labelled: save.label !== undefined }, options.keep ?? DEFAULT_VERSIONS_KEPT, options.maxRoomBytes ?? DEFAULT_VERSION_ROOM_BYTES);
  const draft = { at: save.at, state, seq, ...(save.by ? { by: save.by } : {}), ...(save.label === undefined ? {} : { label: save.label }) };
  return { version: await versions.putVersion(room, draft, keep), created: true };
}

/** The room's whole document as stored now (its snapshot and the log after it), and the last seq it covers. */
export async function storedState(store: DocumentStore, room: string): Promise<{ state: Uint8Array; seq: number }> {
  const stored = await store.load(room);
  const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates.map((u) => u.update)];
  const seq = stored.updates.at(-1)?.seq ?? stored.snapshotSeq;
  if (parts.length === 1) return { state: parts[0]!, seq };
  const doc = new Y.Doc();
  try {
    doc.transact(() => parts.forEach((part) => Y.applyUpdate(doc, part)));
    return { state: Y.encodeStateAsUpdate(doc), seq };
  } finally {
    doc.destroy();
  }
}
