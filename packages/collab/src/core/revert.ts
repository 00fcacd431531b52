/**
 * [COLLAB-50] Bringing a document back to an earlier state as one new change, not by replacing it:
 * every member keeps its document and its history, and what the revert does is an ordinary update
 * that syncs, merges with concurrent edits and goes into the reverting user's undo like any edit.
 *
 * How: a scratch document holds the version with nothing garbage-collected, then everything that
 * happened since is applied to it as one tracked transaction, and Yjs's own UndoManager takes that
 * transaction back. Undo re-creates what was deleted since (as new items, with the content the
 * scratch copy still has) and deletes what was inserted since, which is the version's content
 * written on top of today's document. The scratch state the current one lacks is the revert.
 */
import * as Y from 'yjs';

/** [COLLAB-51] What of a version to bring back. */
export interface RestoreOptions {
  /** The names of the document's top-level types to bring back (default: all of them). */
  readonly only?: readonly string[];
}

/** The transaction origin of "everything since the version" in the scratch document. */
const SINCE = Symbol('since-version');

/**
 * The update that turns `current` into the content of `version` (a whole document state, as
 * `Y.encodeStateAsUpdate` gives), or undefined when they already hold the same content. `current`
 * is only read. Throws what Yjs throws for bytes that are no update.
 *
 * [COLLAB-51] With `only` (names of top-level types: `'whiteboard'`, `'notes'`), only those are
 * brought back; every other type keeps what it holds now. The undo is scoped to them, so it takes
 * back nothing done elsewhere since.
 */
export function revertUpdate(current: Y.Doc, version: Uint8Array, only?: readonly string[]): Uint8Array | undefined {
  const scratch = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(scratch, version);
    const since = new Y.UndoManager(scratch, { trackedOrigins: new Set([SINCE]), captureTimeout: 0 });
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current, Y.encodeStateVector(scratch)), SINCE);
    // Recorded for the whole document (a type Yjs has not been told the kind of records nothing of
    // its own), taken back only under the named types: the undo filters by its scope as it goes.
    if (only !== undefined) since.scope = only.map((name) => scratch.get(name));
    if (since.undo() === null) return undefined; // nothing happened since: there is nothing to revert
    since.destroy();
    // Everything `current` lacks: the undo's own items, and any of the version's it never had.
    return Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(current));
  } finally {
    scratch.destroy();
  }
}
