/**
 * The chat wire (CHAT-1): requests a member sends with `call` on `/service/rooms/<id>/chat`, the
 * answers it gets back, and what the server publishes on `/rooms/<id>/chat`. Every parser accepts
 * any JSON value and returns a typed value or an error value; none throws.
 */
import { assetIdOf } from '../protocol/assets.js';
import { fail, ok, type CollabError, type CollabErrorCode, type Result } from '../protocol/errors.js';
import type { ChatAuthor, ChatEvent, ChatMessage, ChatReaction, ChatReplyTo, Typer } from './types.js';

export const CHAT_VERSION = 1;
/** The longest message text, in UTF-16 code units, unless the server sets another. */
export const DEFAULT_MAX_CHAT_LENGTH = 4000;
/** The most messages one page holds. */
export const MAX_PAGE = 200;
/** [CHAT-17] Results one search request returns at most, and the longest query in characters. */
export const MAX_SEARCH_RESULTS = 50;
export const MAX_SEARCH_LENGTH = 200;

/** Member → server requests (answered to the caller only); the room's id is already checked. */
export const chatServiceChannel = (room: string): string => `/service/rooms/${room}/chat`;

export type ChatRequest =
  | { type: 'chat-join'; limit: number }
  | { type: 'chat-send'; text: string; id?: string; images?: string[]; replyTo?: number }
  | { type: 'chat-edit'; serial: number; text: string }
  | { type: 'chat-delete'; serial: number }
  | { type: 'chat-react'; serial: number; emoji: string; on: boolean }
  | { type: 'chat-history'; before?: number; after?: number; limit: number }
  | { type: 'chat-search'; text: string; before?: number; limit: number }
  | { type: 'chat-read'; serial: number }
  | { type: 'chat-typing' };

/** What a member learns when it (re)joins the chat: who it is, what it read, the newest page. */
export interface ChatJoined {
  readonly me: ChatAuthor;
  readonly read: number;
  readonly messages: ChatMessage[];
  readonly hasMore: boolean;
}

/** Published on `/rooms/<id>/chat`: an event, the typers now, or a user's new read position. */
export type ChatBroadcast =
  | ChatEvent
  | { readonly type: 'typing'; readonly typers: Typer[] }
  | { readonly type: 'read'; readonly user: string; readonly serial: number };

type Fields = Record<string, unknown>;
const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const isSerial = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256;

function envelope(data: unknown): Result<Fields> {
  if (!isObject(data) || data.v !== CHAT_VERSION) return fail('message_invalid', `a chat message is a JSON object with v: ${CHAT_VERSION}`);
  return ok(data);
}

function limitOf(x: unknown, fallback: number): number | undefined {
  if (x === undefined) return fallback;
  return isSerial(x) && x >= 1 ? Math.min(x, MAX_PAGE) : undefined;
}

export function chatTextProblem(text: unknown, maxLength: number, withImages = false): string | undefined {
  if (typeof text !== 'string') return 'a chat message has a "text" string';
  if (text.trim() === '' && !withImages) return 'a chat message is not empty';
  return text.length > maxLength ? `a chat message is at most ${maxLength} characters` : undefined;
}

/** A member's request. Text is checked for shape here and for length by the server (its own limit). */
export function parseChatRequest(data: unknown): Result<ChatRequest> {
  const env = envelope(data);
  if (!env.ok) return env;
  const f = env.value;
  const badSerial = fail<ChatRequest>('message_invalid', 'a chat request names a message by its "serial", a positive integer');
  switch (f.type) {
    case 'chat-join': {
      const limit = limitOf(f.limit, 50);
      return limit === undefined ? fail('message_invalid', `"limit" is 1-${MAX_PAGE}`) : ok({ type: 'chat-join', limit });
    }
    case 'chat-send': {
      if (typeof f.text !== 'string') return fail('message_invalid', 'a chat message has a "text" string');
      const send: Extract<ChatRequest, { type: 'chat-send' }> = { type: 'chat-send', text: f.text };
      if (f.id !== undefined) {
        if (typeof f.id !== 'string' || f.id.length < 1 || f.id.length > 128) return fail('message_invalid', 'a message "id" is 1-128 characters');
        send.id = f.id;
      }
      if (f.images !== undefined) {
        const images = readImages(f.images);
        if (!images) return fail('message_invalid', `"images" is 1-${MAX_CHAT_IMAGES} of the room's assets (asset:<sha-256>)`);
        send.images = images;
      }
      if (f.replyTo !== undefined) {
        if (!isSerial(f.replyTo) || f.replyTo < 1) return fail('message_invalid', '"replyTo" is the serial of the message a reply answers');
        send.replyTo = f.replyTo;
      }
      return ok(send);
    }
    case 'chat-edit':
      if (!isSerial(f.serial) || f.serial < 1) return badSerial;
      return typeof f.text === 'string' ? ok({ type: 'chat-edit', serial: f.serial, text: f.text }) : fail('message_invalid', 'an edit has a "text" string');
    case 'chat-delete':
      return isSerial(f.serial) && f.serial >= 1 ? ok({ type: 'chat-delete', serial: f.serial }) : badSerial;
    case 'chat-react':
      if (!isSerial(f.serial) || f.serial < 1) return badSerial;
      if (!isReactionEmoji(f.emoji)) return fail('message_invalid', 'a reaction is an emoji (its "emoji"), not text');
      if (f.on !== undefined && typeof f.on !== 'boolean') return fail('message_invalid', 'a reaction is given ("on": true) or taken back ("on": false)');
      return ok({ type: 'chat-react', serial: f.serial, emoji: f.emoji, on: f.on !== false });
    case 'chat-read':
      return isSerial(f.serial) ? ok({ type: 'chat-read', serial: f.serial }) : badSerial;
    case 'chat-typing':
      return ok({ type: 'chat-typing' });
    case 'chat-history': {
      const limit = limitOf(f.limit, 50);
      if (limit === undefined) return fail('message_invalid', `"limit" is 1-${MAX_PAGE}`);
      if ((f.before !== undefined && !isSerial(f.before)) || (f.after !== undefined && !isSerial(f.after))) return fail('message_invalid', '"before" and "after" are serials');
      if (f.before !== undefined && f.after !== undefined) return fail('message_invalid', 'a page is "before" or "after" a serial, not both');
      const request: ChatRequest = { type: 'chat-history', limit };
      if (isSerial(f.before)) request.before = f.before;
      if (isSerial(f.after)) request.after = f.after;
      return ok(request);
    }
    case 'chat-search': {
      if (typeof f.text !== 'string' || f.text.trim() === '' || f.text.length > MAX_SEARCH_LENGTH) return fail('message_invalid', `a search has a "text" of 1-${MAX_SEARCH_LENGTH} characters`);
      const limit = limitOf(f.limit, 20);
      if (limit === undefined || limit > MAX_SEARCH_RESULTS) return fail('message_invalid', `"limit" is 1-${MAX_SEARCH_RESULTS}`);
      if (f.before !== undefined && !(isSerial(f.before) && f.before >= 1)) return fail('message_invalid', '"before" is a serial');
      return ok({ type: 'chat-search', text: f.text, limit, ...(isSerial(f.before) ? { before: f.before } : {}) });
    }
    default:
      return fail('message_invalid', `unknown chat request ${JSON.stringify(f.type)}`);
  }
}

export const chatRequest = (request: ChatRequest): Fields => ({ v: CHAT_VERSION, ...request });

// Answers: `{ v, ok: true, ...value }` or `{ v, ok: false, code, message }`.
export const answerOk = (value: Fields): Fields => ({ v: CHAT_VERSION, ok: true, ...value });
export const answerError = (error: CollabError): Fields => ({ v: CHAT_VERSION, ok: false, code: error.code, message: error.message });

/** An answer's fields, or the error the server answered (or an error for an unreadable answer). */
export function readAnswer(data: unknown): Result<Fields> {
  const env = envelope(data);
  if (!env.ok) return env;
  const f = env.value;
  if (f.ok === true) return ok(f);
  if (typeof f.code === 'string' && typeof f.message === 'string') return fail(f.code as CollabErrorCode, f.message);
  return fail('message_invalid', 'a chat answer says ok or names an error');
}

export function readAuthor(x: unknown): ChatAuthor | undefined {
  if (!isObject(x) || !isId(x.id)) return undefined;
  if (x.name !== undefined && typeof x.name !== 'string') return undefined;
  return x.name === undefined ? { id: x.id } : { id: x.id, name: x.name };
}

/** [CHAT-14] The most pictures one message carries. */
export const MAX_CHAT_IMAGES = 4;

/** [CHAT-15] The most different emoji on one message, and people giving one emoji. */
export const MAX_REACTIONS = 20;
export const MAX_REACTORS = 100;

// An emoji (or a short run of them): a pictograph, a flag (two regional indicators) or a keycap, with its modifiers (skin
// tone, variation selector, joiners of a sequence such as 👩‍💻). Letters and words are no reaction.
const EMOJI_PART = String.raw`(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F|\u200D|\u20E3|[#*0-9]|\p{Regional_Indicator}|[\u{E0020}-\u{E007F}])`;
const EMOJI = new RegExp(`^${EMOJI_PART}{1,24}$`, 'u');
const PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** [CHAT-15] Whether `x` is an emoji a member may react with (at most 32 UTF-16 units). */
export function isReactionEmoji(x: unknown): x is string {
  return typeof x === 'string' && x.length <= 32 && EMOJI.test(x) && PICTURE.test(x);
}

/** 1 to MAX_CHAT_IMAGES asset srcs, else undefined. */
function readImages(x: unknown): string[] | undefined {
  if (!Array.isArray(x) || x.length < 1 || x.length > MAX_CHAT_IMAGES) return undefined;
  return x.every((src) => typeof src === 'string' && assetIdOf(src) !== undefined) ? [...(x as string[])] : undefined;
}

export function readMessage(x: unknown): ChatMessage | undefined {
  if (!isObject(x) || !isSerial(x.serial) || x.serial < 1 || typeof x.text !== 'string' || typeof x.sentAt !== 'number') return undefined;
  const author = readAuthor(x.author);
  if (!author) return undefined;
  const m: { -readonly [K in keyof ChatMessage]: ChatMessage[K] } = { serial: x.serial, author, text: x.text, sentAt: x.sentAt };
  if (typeof x.editedAt === 'number') m.editedAt = x.editedAt;
  if (x.deleted === true) m.deleted = true;
  if (x.images !== undefined) {
    const images = readImages(x.images);
    if (!images) return undefined;
    m.images = images;
  }
  if (x.reactions !== undefined) {
    const reactions = readReactions(x.reactions);
    if (!reactions) return undefined;
    m.reactions = reactions;
  }
  if (x.rev !== undefined) {
    if (!isSerial(x.rev)) return undefined;
    m.rev = x.rev;
  }
  if (x.replyTo !== undefined) {
    const quote = isObject(x.replyTo) ? x.replyTo : undefined;
    const author = readAuthor(quote?.author);
    if (!quote || !author || !isSerial(quote.serial) || quote.serial < 1 || typeof quote.text !== 'string' || [...quote.text].length > QUOTE_LENGTH) return undefined;
    m.replyTo = { serial: quote.serial, author, text: quote.text };
  }
  return m;
}

/** [CHAT-16] A reply quotes at most this many characters of the message it answers (then '…'). */
export const QUOTE_LENGTH = 140;

/** [CHAT-16] The quote of `m` a reply to it carries: its text cut at a character, not inside one. */
export function quoteOf(m: ChatMessage): ChatReplyTo {
  const chars = [...m.text];
  const text = chars.length <= QUOTE_LENGTH ? m.text : `${chars.slice(0, QUOTE_LENGTH - 1).join('')}…`;
  return { serial: m.serial, author: m.author, text };
}

/** [CHAT-15] A message's rev; one changed before revs existed (edited or deleted) counts as changed once. */
export function revOf(m: ChatMessage): number {
  return m.rev ?? (m.editedAt !== undefined || m.deleted ? 1 : 0);
}

/** [CHAT-15] A message's reactions, else undefined. */
function readReactions(x: unknown): ChatReaction[] | undefined {
  if (!Array.isArray(x) || x.length > MAX_REACTIONS) return undefined;
  const out: ChatReaction[] = [];
  for (const r of x as unknown[]) {
    if (!isObject(r) || !isReactionEmoji(r.emoji) || !Array.isArray(r.users) || r.users.length < 1 || r.users.length > MAX_REACTORS) return undefined;
    const users: ChatAuthor[] = [];
    for (const u of r.users as unknown[]) {
      const author = readAuthor(u);
      if (!author) return undefined;
      users.push(author);
    }
    out.push({ emoji: r.emoji, users });
  }
  return out;
}

export function readMessages(x: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const out: ChatMessage[] = [];
  for (const item of x as unknown[]) {
    const m = readMessage(item);
    if (!m) return undefined;
    out.push(m);
  }
  return out;
}

export function readJoined(f: Fields): ChatJoined | undefined {
  const me = readAuthor(f.me);
  const messages = readMessages(f.messages);
  if (!me || !messages || !isSerial(f.read) || typeof f.hasMore !== 'boolean') return undefined;
  return { me, read: f.read, messages, hasMore: f.hasMore };
}

/** What the server publishes on `/rooms/<id>/chat`; error values for anything else. */
export function parseChatBroadcast(data: unknown): Result<ChatBroadcast> {
  const env = envelope(data);
  if (!env.ok) return env;
  const f = env.value;
  if (f.type === 'chat' && (f.event === 'message' || f.event === 'edit' || f.event === 'delete' || f.event === 'react')) {
    const message = readMessage(f.message);
    return message ? ok({ type: f.event, message }) : fail('message_invalid', 'a chat event carries a message');
  }
  if (f.type === 'typing' && Array.isArray(f.typers)) {
    const typers: Typer[] = [];
    for (const t of f.typers as unknown[]) {
      const author = isObject(t) ? readAuthor(t.author) : undefined;
      if (!author || !isObject(t) || !isId(t.clientId)) return fail('message_invalid', 'a typer has an author and a clientId');
      typers.push({ author, clientId: t.clientId });
    }
    return ok({ type: 'typing', typers });
  }
  if (f.type === 'read' && isId(f.user) && isSerial(f.serial)) return ok({ type: 'read', user: f.user, serial: f.serial });
  return fail('message_invalid', `unknown chat broadcast ${JSON.stringify(f.type)}`);
}

/** The JSON published for a broadcast (the wire of the chat contract). */
export function chatBroadcast(b: ChatBroadcast): Fields {
  if (b.type === 'typing') return { v: CHAT_VERSION, type: 'typing', typers: b.typers };
  if (b.type === 'read') return { v: CHAT_VERSION, type: 'read', user: b.user, serial: b.serial };
  return { v: CHAT_VERSION, type: 'chat', event: b.type, message: b.message };
}
