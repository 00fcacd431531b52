/**
 * What the three stores share about chat records: serials are dense (1…last, never a hole), so a
 * page is a range of serials computed here, and an edit or delete is decided here once for all.
 */
import type { ChatMessage } from '../chat/types.js';
import type { ChatChange, ChatChangeResult, ChatPageQuery } from '../core/store.js';

/** The serials of a page, inclusive, and whether more lie beyond it; empty when `to < from`. */
export function pageRange(last: number, query: ChatPageQuery): { from: number; to: number; hasMore: boolean } {
  const limit = Math.max(0, Math.floor(query.limit));
  if (query.after !== undefined) {
    const from = Math.max(1, Math.floor(query.after) + 1);
    const to = Math.min(last, from + limit - 1);
    return { from, to, hasMore: to < last };
  }
  const to = Math.min(last, query.before === undefined ? last : Math.floor(query.before) - 1);
  const from = Math.max(1, to - limit + 1);
  return { from, to, hasMore: from > 1 && to >= 1 };
}

export function serialsOf(range: { from: number; to: number }): number[] {
  const out: number[] = [];
  for (let s = range.from; s <= range.to; s++) out.push(s);
  return out;
}

/** The message after `change`, or why it may not change: only its author, and never once deleted. */
export function applyChange(old: ChatMessage | undefined, authorId: string, change: ChatChange): ChatChangeResult {
  if (!old || old.deleted) return { refused: 'not_found' };
  if (old.author.id !== authorId) return { refused: 'forbidden' };
  if ('deleted' in change) return { message: { serial: old.serial, author: old.author, text: '', sentAt: old.sentAt, editedAt: change.editedAt, deleted: true } };
  // An edit changes the text; the pictures stay (CHAT-14). A delete takes them too.
  return { message: { serial: old.serial, author: old.author, text: change.text, sentAt: old.sentAt, editedAt: change.editedAt, ...(old.images ? { images: old.images } : {}) } };
}

/** A stored record read back; anything this store did not write is an error, not a message. */
export function readChatRecord(json: string): ChatMessage {
  const m = JSON.parse(json) as ChatMessage;
  if (typeof m !== 'object' || m === null || typeof m.serial !== 'number' || typeof m.text !== 'string' || typeof m.author?.id !== 'string') {
    throw new Error('a stored chat record is not a message: the key holds something this store did not write');
  }
  return m;
}
