/**
 * Checks on Yjs bytes before they touch a document (COLLAB-12): Yjs throws midway through a
 * malformed update, so every update and state vector from the wire is decoded once on its own first.
 */
import * as Y from 'yjs';
import { describeThrown } from '../protocol/errors.js';

export function updateProblem(update: Uint8Array): string | undefined {
  try {
    Y.decodeUpdate(update);
    return undefined;
  } catch (thrown) {
    return `malformed Yjs update: ${describeThrown(thrown)}`;
  }
}

export function decodeStateVector(stateVector: Uint8Array): Map<number, number> | undefined {
  try {
    return Y.decodeStateVector(stateVector);
  } catch {
    return undefined;
  }
}

/** Whether `doc` holds items that a peer with `remote` state vector lacks. */
export function hasItemsBeyond(doc: Y.Doc, remote: Map<number, number>): boolean {
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if (clock > (remote.get(client) ?? 0)) return true;
  }
  return false;
}
