/**
 * What the three stores share about versions (COLLAB-50): the entry each writes for a draft, and
 * which versions a put's pruning drops, decided here once so the stores cannot disagree on it.
 */
import type { VersionDraft, VersionEntry } from '../core/store.js';

/**
 * A new version's entry, less the id the store gives it. Built from the draft's fields one by one,
 * so nothing of the caller's objects is kept, and `label`/`by` are absent rather than undefined
 * (an entry reads back the same from JSON as from memory).
 */
export function versionRecord(draft: VersionDraft): Omit<VersionEntry, 'id'> {
  const by = draft.by && (draft.by.name === undefined ? { id: draft.by.id } : { id: draft.by.id, name: draft.by.name });
  return {
    at: draft.at,
    seq: draft.seq,
    bytes: draft.state.byteLength,
    ...(draft.label !== undefined ? { label: draft.label } : {}),
    ...(by ? { by } : {}),
  };
}

/**
 * How many unlabelled versions a put keeps; undefined for no limit. A `keep` that is no number
 * (NaN, a caller's bug) keeps everything: losing history is the one mistake that cannot be undone.
 */
export function keepOf(keep: number): number | undefined {
  return Number.isFinite(keep) ? Math.max(0, Math.floor(keep)) : undefined;
}

/** The ids that go: the unlabelled versions older than the newest `keep` of them. */
export function prunedVersions(entries: Iterable<VersionEntry>, keep: number): number[] {
  const kept = keepOf(keep);
  if (kept === undefined) return [];
  const plain = [...entries].filter((e) => e.label === undefined).map((e) => e.id).sort((a, b) => a - b);
  return plain.slice(0, Math.max(0, plain.length - kept));
}

/** Whether `id` could be a version's: a store asked for anything else answers none without looking. */
export const isVersionId = (id: number): boolean => Number.isSafeInteger(id) && id >= 1;

/** A stored entry read back; anything this store did not write is an error, not a version. */
export function readVersionEntry(json: string): VersionEntry {
  const e = JSON.parse(json) as VersionEntry;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'number' || typeof e.at !== 'number' || typeof e.seq !== 'number' || typeof e.bytes !== 'number') {
    throw new Error('a stored version entry is not one: the key holds something this store did not write');
  }
  return e;
}
