/**
 * [COLLAB-48] Assets no one uses any more are deleted, but never soon: a collection runs when a room
 * empties (its final snapshot written) and looks at what the room still refers to. An asset found
 * unused is only marked; it is deleted by a later collection at least `unusedForMs` (default 7 days)
 * after, if still unused. An undo in a page that was open, an offline page coming back, a copy on a
 * clipboard: each may bring a picture back, and has that long to. An upload of the same picture,
 * or a reference found meanwhile, clears the mark.
 *
 * What counts as a reference is read from the stored bytes, not from the whiteboard's model: any
 * `asset:<sha-256>` anywhere in the room's snapshot or update log (the board, comments, the app's
 * own Yjs types) or among its chat messages' pictures. Deleted shapes leave the snapshot when Yjs
 * collects them; until then they keep their pictures, which errs on the side of keeping.
 */
import type { AssetMark, DocumentStore } from '../core/store.js';
import { assetIdOf, assetIdsIn } from '../protocol/assets.js';

/** Seven days: what a picture no one refers to any more stays for, before it is deleted. */
export const DEFAULT_UNUSED_FOR_MS = 7 * 24 * 60 * 60 * 1000;
const CHAT_PAGE = 200;
const latin1 = new TextDecoder('latin1');

export interface AssetCollection {
  /** Assets found unused now (marked, or already marked). */
  readonly unused: number;
  /** Assets deleted: unused for at least `unusedForMs`. */
  readonly deleted: readonly string[];
}

function referencesIn(bytes: Uint8Array, into: Set<string>): void {
  // The references are ASCII, so a byte-for-char reading finds them whatever encodes around them.
  for (const id of assetIdsIn(latin1.decode(bytes))) into.add(id);
}

/** The asset ids `room` refers to in its stored document and its chat. */
export async function assetsInUse(store: DocumentStore, room: string, only?: ReadonlySet<string>): Promise<Set<string>> {
  const used = new Set<string>();
  const stored = await store.load(room);
  if (stored.snapshot) referencesIn(stored.snapshot, used);
  for (const update of stored.updates) referencesIn(update.update, used);
  // The chat only matters for what the document does not keep.
  if (only && [...only].every((id) => used.has(id))) return used;
  for (let before: number | undefined; ; ) {
    const page = await store.chatPage(room, before === undefined ? { limit: CHAT_PAGE } : { before, limit: CHAT_PAGE });
    for (const message of page.messages) {
      for (const src of message.images ?? []) {
        const id = assetIdOf(src);
        if (id !== undefined) used.add(id);
      }
    }
    if (!page.hasMore || page.messages.length === 0) return used;
    before = page.messages[0]!.serial;
  }
}

/** One collection of `room`'s assets at `now` (COLLAB-48); nothing to do for a store that keeps none. */
export async function collectAssets(store: DocumentStore, room: string, now: number, unusedForMs = DEFAULT_UNUSED_FOR_MS): Promise<AssetCollection> {
  if (!store.listAssets || !store.markAssets || !store.deleteAssets) return { unused: 0, deleted: [] };
  const assets = await store.listAssets(room);
  if (assets.length === 0) return { unused: 0, deleted: [] };
  const used = await assetsInUse(store, room, new Set(assets.map((a) => a.id)));
  const marks: AssetMark[] = [];
  const due: string[] = [];
  let unused = 0;
  for (const { id, unusedSince } of assets) {
    if (used.has(id)) {
      if (unusedSince !== undefined) marks.push({ id, unusedSince: null });
      continue;
    }
    unused++;
    if (unusedSince === undefined) marks.push({ id, unusedSince: now });
    else if (unusedSince <= now - unusedForMs) due.push(id);
  }
  if (marks.length > 0) await store.markAssets(room, marks);
  const deleted = due.length > 0 ? await store.deleteAssets(room, due, now - unusedForMs) : [];
  return { unused, deleted };
}
