/** How `<Chat>` names people and quoted messages, the same in every place it shows them. */
import { quoteOf } from '../../chat/chat-wire.js';
import type { ChatAuthor, ChatMessage, ChatReplyTo } from '../../chat/types.js';

/** An author as shown: the name the server gave, else the id. */
export const authorName = (author: ChatAuthor): string => author.name ?? author.id;

/**
 * [CHATUI-14] The line a quote shows: the answered message's latest state when there is one at
 * hand (`Message deleted` once deleted), else the quote as sent; `Picture` for pictures only.
 */
export function quoteLine(quote: ChatReplyTo | ChatMessage): string {
  const text = 'sentAt' in quote ? (quote.deleted ? 'Message deleted' : quoteOf(quote).text) : quote.text;
  return text === '' ? 'Picture' : text;
}
