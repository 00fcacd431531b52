/**
 * What the three stores share about chat records: serials are dense (1…last, never a hole), so a
 * page is a range of serials computed here, and an edit or delete is decided here once for all.
 */
import { MAX_REACTIONS, MAX_REACTORS, revOf } from '../chat/chat-wire.js';
import type { ChatMessage, ChatReaction } from '../chat/types.js';
import type { ChatChange, ChatChangeResult, ChatDraft, ChatPageQuery } from '../core/store.js';

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
  // [CHAT-15] Every change raises rev, so a member that hears two states of a message keeps the later.
  const rev = revOf(old) + 1;
  if ('react' in change) return react(old, change, rev);
  if (old.author.id !== authorId) return { refused: 'forbidden' };
  if ('deleted' in change) return { message: { serial: old.serial, author: old.author, text: '', sentAt: old.sentAt, editedAt: change.editedAt, deleted: true, rev } };
  // An edit changes the text; the pictures and reactions stay (CHAT-14, CHAT-15). A delete takes them too.
  return { message: { ...old, text: change.text, editedAt: change.editedAt, rev } };
}

/** [CHAT-15] `by` gives (or takes back) `emoji`: nothing changes when it already had (or had not) given it. */
function react(old: ChatMessage, change: Extract<ChatChange, { react: string }>, rev: number): ChatChangeResult {
  const list = old.reactions ?? [];
  const at = list.findIndex((r) => r.emoji === change.react);
  const had = at >= 0 && list[at]!.users.some((u) => u.id === change.by.id);
  if (had === change.on) return { message: old };
  let reactions: ChatReaction[];
  if (change.on) {
    if (at < 0 && list.length >= MAX_REACTIONS) return { refused: 'too_many' };
    if (at >= 0 && list[at]!.users.length >= MAX_REACTORS) return { refused: 'too_many' };
    const by = change.by.name === undefined ? { id: change.by.id } : { id: change.by.id, name: change.by.name };
    reactions = at < 0 ? [...list, { emoji: change.react, users: [by] }] : list.map((r, i) => (i === at ? { emoji: r.emoji, users: [...r.users, by] } : r));
  } else {
    reactions = list.map((r, i) => (i === at ? { emoji: r.emoji, users: r.users.filter((u) => u.id !== change.by.id) } : r)).filter((r) => r.users.length > 0);
  }
  const { reactions: _old, ...rest } = old;
  return { message: { ...rest, ...(reactions.length > 0 ? { reactions } : {}), rev } };
}

/** A new message's record, less the serial the store gives it: what every store writes. */
export function chatRecord(draft: ChatDraft): Omit<ChatMessage, 'serial'> {
  return {
    author: { ...draft.author },
    text: draft.text,
    sentAt: draft.sentAt,
    ...(draft.images ? { images: [...draft.images] } : {}),
    ...(draft.replyTo ? { replyTo: { serial: draft.replyTo.serial, author: { ...draft.replyTo.author }, text: draft.replyTo.text } } : {}),
  };
}

/** A stored record read back; anything this store did not write is an error, not a message. */
export function readChatRecord(json: string): ChatMessage {
  const m = JSON.parse(json) as ChatMessage;
  if (typeof m !== 'object' || m === null || typeof m.serial !== 'number' || typeof m.text !== 'string' || typeof m.author?.id !== 'string') {
    throw new Error('a stored chat record is not a message: the key holds something this store did not write');
  }
  return m;
}
