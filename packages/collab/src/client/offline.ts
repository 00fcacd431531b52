/**
 * A room's document kept in the browser's IndexedDB (issue 11, COLLAB-33…35): edits made while
 * disconnected survive a reload and merge on reconnect through the ordinary handshake (COLLAB-10).
 *
 * Built on `y-indexeddb`, the Yjs project's own IndexedDB provider: it stores every document update
 * as it happens and compacts them itself, so we only decide when to open it and what to do when it
 * cannot be opened. It is imported lazily, and IndexedDB is touched only when a room asks for it, so
 * the isomorphic entry stays safe to load in Node and in server rendering (COLLAB-17).
 */
import type * as Y from 'yjs';
import { describeThrown, fail, ok, type Result } from '../protocol/errors.js';

export interface OfflineOptions {
  /** The IndexedDB database name; default `kuiper:<room>`. Give one per server if rooms share ids. */
  readonly name?: string;
}

/** A room document persisted locally; `destroy()` stops writing and closes the database. */
export interface OfflineStore {
  readonly name: string;
  destroy(): Promise<void>;
  /** Forgets everything this browser kept for the room (e.g. on sign-out). */
  clear(): Promise<void>;
}

/** Looked up when asked, never at import: Node and server rendering have none. */
const hasIndexedDB = (): boolean => typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined';

export const offlineDatabaseName = (room: string, options: OfflineOptions = {}): string => options.name ?? `kuiper:${room}`;

/**
 * Opens the room's local copy and applies it to `doc`; resolves once `doc` holds what was kept. An
 * environment without IndexedDB (Node, some private modes) gives `offline_unavailable`, never a throw.
 */
export async function openOfflineStore(room: string, doc: Y.Doc, options: OfflineOptions = {}): Promise<Result<OfflineStore>> {
  const name = offlineDatabaseName(room, options);
  if (!hasIndexedDB()) return fail('offline_unavailable', `${room}: this environment has no IndexedDB, so edits are not kept offline`);
  try {
    const { IndexeddbPersistence } = await import('y-indexeddb');
    const persistence = new IndexeddbPersistence(name, doc);
    // The provider never rejects `whenSynced`: an open that fails (a blocked or quota-less database)
    // is only visible on its database promise, so wait for whichever settles first.
    const opened = persistence._db.then(() => new Promise<never>(() => undefined));
    await Promise.race([persistence.whenSynced, opened]);
    return ok({
      name,
      destroy: () => persistence.destroy(),
      clear: () => persistence.clearData(),
    });
  } catch (thrown) {
    return fail('offline_unavailable', `${room}: IndexedDB could not be opened: ${describeThrown(thrown)}`);
  }
}

/** Deletes the room's local copy (e.g. on sign-out); call it when no room of that name is open. */
export async function forgetOfflineRoom(room: string, options: OfflineOptions = {}): Promise<Result<void>> {
  if (!hasIndexedDB()) return fail('offline_unavailable', `${room}: this environment has no IndexedDB`);
  try {
    const { clearDocument } = await import('y-indexeddb');
    await clearDocument(offlineDatabaseName(room, options));
    return ok(undefined);
  } catch (thrown) {
    return fail('offline_unavailable', `${room}: IndexedDB could not be cleared: ${describeThrown(thrown)}`);
  }
}
