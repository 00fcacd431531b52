/**
 * [CHAT-17] Searching a room's chat, on the server, over any `ChatStore`: it reads the history a
 * page at a time, newest first, through `chatPage` (what every store already serves), so a custom
 * store needs nothing new. One request looks through at most `SEARCH_SCAN` messages and says where it
 * stopped; the next request goes on from there, so no search holds a store for long.
 */
import type { ChatStore } from '../core/store.js';
import { MAX_PAGE } from './chat-wire.js';
import type { ChatMessage } from './types.js';

export { MAX_SEARCH_LENGTH, MAX_SEARCH_RESULTS } from './chat-wire.js';

/** Messages one search request looks through before it answers with what it found. */
export const SEARCH_SCAN = 2000;

export interface ChatSearchQuery {
  readonly text: string;
  /** Look only at messages older than this serial (where the previous request stopped). */
  readonly before?: number;
  readonly limit: number;
}

export interface ChatSearchResult {
  /** Matching messages, newest first. */
  readonly messages: ChatMessage[];
  /** The oldest serial looked at: the next request's `before`. */
  readonly before: number;
  /** True when the search reached the room's first message: nothing older is left to look at. */
  readonly done: boolean;
}

/** Lower case, accents taken off: "Café" is found by "cafe", and "CAFÉ" by "café". */
const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** A test of a message's text: every word of the query is in it, in any order, case and accents aside. */
export function chatMatcher(query: string): (text: string) => boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return (text) => {
    if (words.length === 0) return false;
    const folded = fold(text);
    return words.every((word) => folded.includes(word));
  };
}

export async function searchChat(store: ChatStore, room: string, query: ChatSearchQuery): Promise<ChatSearchResult> {
  const matches = chatMatcher(query.text);
  const messages: ChatMessage[] = [];
  let cursor = query.before;
  let scanned = 0;
  while (scanned < SEARCH_SCAN) {
    const page = await store.chatPage(room, { ...(cursor === undefined ? {} : { before: cursor }), limit: Math.min(MAX_PAGE, SEARCH_SCAN - scanned) });
    if (page.messages.length === 0) return { messages, before: cursor ?? 0, done: true };
    for (let i = page.messages.length - 1; i >= 0; i--) {
      const message = page.messages[i]!;
      cursor = message.serial;
      scanned++;
      if (!message.deleted && matches(message.text)) messages.push(message);
      if (messages.length >= query.limit) return { messages, before: cursor, done: cursor <= 1 };
    }
    if (!page.hasMore) return { messages, before: cursor ?? 0, done: true };
  }
  return { messages, before: cursor ?? 0, done: cursor !== undefined && cursor <= 1 };
}
