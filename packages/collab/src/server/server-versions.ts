/**
 * [COLLAB-50] A room's versions from the server's own code (`openDocument(room).versions`) and so
 * from the documents API (COLLAB-43): a backend or a job lists them, saves one before a risky
 * import, and brings one back. Bringing back is the same edit a member's restore writes
 * (`revertUpdate`), made through the server's handle, so it reaches every member as one update.
 * Listing, reading and saving need only the store (`storedVersions`): the room is not loaded for them.
 */
import * as Y from 'yjs';
import type { ChatAuthor } from '../chat/types.js';
import { revertUpdate, type RestoreOptions } from '../core/revert.js';
import type { DocumentStore, VersionEntry } from '../core/store.js';
import { saveVersion, versionsOf, type VersionsOptions } from './versioned-store.js';

/** A room's versions as the store keeps them. */
export interface StoredVersions {
  /** The room's versions, newest first. */
  list(): Promise<VersionEntry[]>;
  /** Keeps the document as stored now as a version; `created` false when unnamed and unchanged since the newest, which is returned. */
  save(label?: string): Promise<{ readonly version: VersionEntry; readonly created: boolean }>;
  /** The state of version `id`, or undefined for none. */
  state(id: number): Promise<Uint8Array | undefined>;
}

export interface ServerVersions {
  /** The room's versions, newest first. */
  list(): Promise<VersionEntry[]>;
  /** Keeps the document as stored now (after the handle's changes) as a version; unnamed and unchanged since the newest, it is that one. */
  save(label?: string): Promise<VersionEntry>;
  /** The state of version `id`, or undefined for none. */
  state(id: number): Promise<Uint8Array | undefined>;
  /**
   * Saves the document as it is (`before`), then brings version `id` back for everyone; undefined
   * (nothing done) for no such version. [COLLAB-51] `only`: just those top-level types.
   */
  restore(id: number, options?: RestoreOptions): Promise<{ readonly before: VersionEntry } | undefined>;
}

interface Handle {
  readonly room: string;
  flush(): Promise<void>;
  change(fn: (doc: Y.Doc) => void): Promise<void>;
}

/** `room`'s versions read and saved in `store` (saves made `by` someone, when given), or undefined when the store keeps none. */
export function storedVersions(store: DocumentStore, options: VersionsOptions, room: string, by?: ChatAuthor): StoredVersions | undefined {
  const versions = versionsOf(store);
  if (!versions) return undefined;
  return {
    list: () => versions.listVersions(room),
    save: (label) => saveVersion(store, versions, room, { at: Date.now(), ...(by ? { by } : {}), ...(label === undefined ? {} : { label }) }, options),
    state: (id) => versions.getVersion(room, id),
  };
}

/** The versions of `handle`'s room, or undefined when the store keeps none. */
export function serverVersions(store: DocumentStore, options: VersionsOptions, handle: Handle, by: ChatAuthor | undefined): ServerVersions | undefined {
  const stored = storedVersions(store, options, handle.room, by);
  if (!stored) return undefined;
  const save = async (label?: string): Promise<VersionEntry> => {
    await handle.flush();
    return (await stored.save(label)).version;
  };
  return {
    list: () => stored.list(),
    save,
    state: (id) => stored.state(id),
    restore: async (id, restoring = {}) => {
      const state = await stored.state(id);
      if (!state) return undefined;
      const before = await save();
      await handle.change((doc) => {
        const revert = revertUpdate(doc, state, restoring.only);
        if (revert) Y.applyUpdate(doc, revert);
      });
      return { before };
    },
  };
}
