/**
 * [COLLAB-50] The versions the server takes by itself. A room's authority already writes a whole
 * state of the document at each compaction (COLLAB-14): the first one written `everyMs` after the
 * room's newest version is kept as a version too, so a room edited all day has one every ten
 * minutes or so, and an idle room none. Nothing is encoded for it: the snapshot's bytes are kept as
 * they are. A version that cannot be written costs the snapshot nothing (the error is reported).
 */
import * as Y from 'yjs';
import type { DocumentStore, VersionEntry, VersionStore } from '../core/store.js';
import { withMethods } from './observed-store.js';

export interface VersionsOptions {
  /** The least time between two versions the server takes by itself (default 10 minutes); `Infinity` takes none. */
  everyMs?: number;
  /** How many of those (unlabelled) a room keeps, the oldest going first (default 50). */
  keep?: number;
  /** How many versions members may save with a name per room (default 100); past it a save is 507 `versions_full`. */
  maxLabelled?: number;
  /** Where `collab.versions` serves them (default `/kuiper-versions`): the client's `enterRoom(…, { versionsUrl })`. */
  basePath?: string;
}

export const DEFAULT_VERSION_EVERY_MS = 10 * 60 * 1000;
export const DEFAULT_VERSIONS_KEPT = 50;

/** The store's versions, when it keeps them. */
export function versionsOf(store: DocumentStore): VersionStore | undefined {
  const { putVersion, listVersions, getVersion } = store;
  if (!putVersion || !listVersions || !getVersion) return undefined;
  return { putVersion: putVersion.bind(store), listVersions: listVersions.bind(store), getVersion: getVersion.bind(store) };
}

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
  const writeSnapshot = async (room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> => {
    await store.writeSnapshot(room, snapshot, upToSeq);
    if (snapshot.byteLength <= EMPTY_STATE_BYTES) return;
    try {
      const [newest] = await versions.listVersions(room);
      const at = now();
      if (versionDue(newest, upToSeq, at, everyMs)) await versions.putVersion(room, { at, state: snapshot, seq: upToSeq }, keep);
    } catch (error) {
      report(error);
    }
  };
  return withMethods(store, { writeSnapshot });
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
