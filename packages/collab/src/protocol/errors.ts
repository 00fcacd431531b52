/**
 * Collab errors are values (COLLAB-12): validation, refusals and store failures come back as a
 * `CollabError` — to the caller, or on the wire to the sender — never as a throw that could leave a
 * document half-applied.
 */
export type CollabErrorCode =
  | 'message_invalid' // not a collab message of this protocol version
  | 'shape_invalid' // a whiteboard shape or patch with a missing or malformed field (BOARD-2)
  | 'shape_locked' // [BOARD-38] a change to a locked shape other than unlocking it, without ignoreLock
  | 'comment_invalid' // [BOARD-19] a comment without text, too long, with no author name, or no such thread
  | 'update_invalid' // an update or state vector that Yjs cannot decode
  | 'chunk_invalid' // a chunk that does not fit its transfer
  | 'too_large' // a reassembled transfer beyond the receiver's bound
  | 'read_only' // an update from a member granted read but not write
  | 'not_a_member' // a message from a connection that has not joined the room
  | 'load_failed' // the room's document could not be loaded; nothing is written
  | 'store_failed' // the update could not be stored; it is not applied and not acknowledged
  | 'send_failed' // the transport refused or lost a member's message (the client's error says why)
  | 'rejected' // [CHAT-7] the server's moderation refused a chat message (the message is its reason)
  | 'forbidden' // [CHAT-6] an edit or delete of someone else's chat message
  | 'not_found' // [CHAT-6] an edit or delete of a chat message that does not exist (or is deleted)
  | 'too_many' // [CHAT-15] a reaction past a message's limits (different emoji, or people per emoji)
  | 'asset_refused' // [COLLAB-47] the server refused a picture (too large, not a picture, not allowed): its message says why
  | 'asset_unavailable' // [COLLAB-47] no upload could be made (offline, not connected, the server failed or keeps no assets)
  | 'version_refused' // [COLLAB-50] the server refused a version request (a bad label, too many named versions): its message says why
  | 'version_unavailable' // [COLLAB-50] versions could not be reached (offline, not connected, the server failed or keeps none)
  | 'offline_unavailable' // offline kept edits need IndexedDB, which this environment lacks or refused
  | 'authority_conflict'; // [COLLAB-30] another node stored updates of a room this node serves (reported on the server)

export interface CollabError {
  readonly code: CollabErrorCode;
  readonly message: string;
}

export function collabError(code: CollabErrorCode, message: string): CollabError {
  return { code, message };
}

/** What a validating function returns: a value, or the error that explains why there is none. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CollabError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(code: CollabErrorCode, message: string): Result<T> => ({ ok: false, error: collabError(code, message) });

/** Text of anything thrown, for an error value's message. */
export function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
