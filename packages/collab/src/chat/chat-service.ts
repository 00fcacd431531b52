/**
 * The server's side of chat, transport-free (CHAT-2…8): a member's request, with the identity the
 * server vouches for, becomes a stored change and the event to publish. The store gives serials
 * (CHAT-4), so any node sharing it may serve any request. Errors are values (COLLAB-12).
 */
import { describeThrown, fail, ok, type Result } from '../protocol/errors.js';
import { assetIdOf } from '../protocol/assets.js';
import type { AssetStore, ChatStore } from '../core/store.js';
import { searchChat } from './chat-search.js';
import { answerOk, chatTextProblem, DEFAULT_MAX_CHAT_LENGTH, MAX_REACTIONS, MAX_REACTORS, quoteOf, type ChatBroadcast, type ChatRequest } from './chat-wire.js';
import type { ChatAuthor, ChatMessage, ModerateHook } from './types.js';

export interface ChatServiceOptions {
  /** With `hasAssets` (every store of this package), a message's pictures must be the room's own (CHAT-14). */
  store: ChatStore & Pick<AssetStore, 'hasAssets'>;
  /** [CHAT-7] Rewrites a message's text, rejects it with a reason, or lets it pass. */
  moderate?: ModerateHook;
  /** Server time for `sentAt` / `editedAt` (default Date.now). */
  now?: () => number;
  /** Longest text (default 4000). */
  maxChatLength?: number;
}

/** Who asks, as the server knows it: never a field of the request (CHAT-2). */
export interface ChatCaller {
  readonly author: ChatAuthor;
  readonly canWrite: boolean;
}

export interface ChatOutcome {
  /** To the caller only. */
  readonly answer: Record<string, unknown>;
  /** To everyone on `/rooms/<id>/chat`. */
  readonly broadcast?: ChatBroadcast;
}

/**
 * [CHAT-2] The author of a session's messages: the grant's `user`, else the session's `data.user`
 * when it is `{ id: string, name?: string }`, else the connection's own id.
 */
export function chatAuthor(grantUser: ChatAuthor | undefined, sessionData: unknown, clientId: string): ChatAuthor {
  const valid = (u: unknown): u is ChatAuthor =>
    typeof u === 'object' && u !== null && typeof (u as ChatAuthor).id === 'string' && (u as ChatAuthor).id !== '' && ((u as ChatAuthor).name === undefined || typeof (u as ChatAuthor).name === 'string');
  const pick = (u: ChatAuthor): ChatAuthor => (u.name === undefined ? { id: u.id } : { id: u.id, name: u.name });
  if (valid(grantUser)) return pick(grantUser);
  const fromSession = typeof sessionData === 'object' && sessionData !== null ? (sessionData as { user?: unknown }).user : undefined;
  return valid(fromSession) ? pick(fromSession) : { id: clientId };
}

export class ChatService {
  private readonly now: () => number;
  private readonly maxLength: number;

  constructor(private readonly options: ChatServiceOptions) {
    this.now = options.now ?? Date.now;
    this.maxLength = options.maxChatLength ?? DEFAULT_MAX_CHAT_LENGTH;
  }

  /** Every request but `chat-typing` (ephemeral, the room authority's: see TypingBoard). */
  async handle(room: string, caller: ChatCaller, request: ChatRequest): Promise<Result<ChatOutcome>> {
    try {
      return await this.dispatch(room, caller, request);
    } catch (thrown) {
      // [CHAT-4] A store that failed: nothing was acknowledged, so the member knows it is not sent.
      return fail('store_failed', `room ${room}: ${describeThrown(thrown)}`);
    }
  }

  private async dispatch(room: string, caller: ChatCaller, request: ChatRequest): Promise<Result<ChatOutcome>> {
    const store = this.options.store;
    switch (request.type) {
      case 'chat-join': {
        const [page, read] = await Promise.all([store.chatPage(room, { limit: request.limit }), store.chatRead(room, caller.author.id)]);
        return ok({ answer: answerOk({ me: caller.author, read, messages: page.messages, hasMore: page.hasMore }) });
      }
      case 'chat-history': {
        const page = await store.chatPage(room, request);
        return ok({ answer: answerOk({ messages: page.messages, hasMore: page.hasMore }) });
      }
      case 'chat-search': {
        // [CHAT-17] Whoever may read the chat may search it (a viewer too); deleted messages are not found.
        const found = await searchChat(store, room, request);
        return ok({ answer: answerOk({ messages: found.messages, before: found.before, done: found.done }) });
      }
      case 'chat-read': {
        // [CHAT-9] Per user, not per connection: every tab of the user hears the new position.
        // Never past the newest message: a read position ahead of the room would hide what comes next.
        const newest = (await store.chatPage(room, { limit: 1 })).messages[0]?.serial ?? 0;
        const serial = await store.setChatRead(room, caller.author.id, Math.min(request.serial, newest));
        return ok({ answer: answerOk({ read: serial }), broadcast: { type: 'read', user: caller.author.id, serial } });
      }
      case 'chat-send': {
        // Everything that can refuse the send is asked before moderation: a hook sees only what would go.
        const allowed = this.writable(room, caller, request.text, request.images);
        if (!allowed.ok) return allowed;
        const pictures = await this.missingPictures(room, request.images);
        if (pictures) return fail('message_invalid', pictures);
        // [CHAT-16] A reply quotes what it answers as it is now; a message gone is no answer.
        const answered = request.replyTo === undefined ? undefined : await this.live(room, request.replyTo);
        if (request.replyTo !== undefined && !answered) return fail('not_found', `room ${room} has no message ${request.replyTo} to reply to`);
        const text = await this.checked(room, caller, request.text, request.images);
        if (!text.ok) return text;
        // [CHAT-3] Stored (durable) before the answer: a send that resolved survives kill -9.
        // [CHAT-3] With the sender's id, a send retried after a lost answer is stored once.
        const draft = { author: caller.author, text: text.value, sentAt: this.now(), ...(request.images ? { images: request.images } : {}), ...(answered ? { replyTo: quoteOf(answered) } : {}) };
        const message = await store.appendChat(room, request.id === undefined ? draft : { ...draft, id: `${caller.author.id} ${request.id}` });
        return ok({ answer: answerOk({ message }), broadcast: { type: 'message', message } });
      }
      case 'chat-edit':
      case 'chat-delete': {
        // [CHAT-14] An edit changes the text only: a message with pictures may be left with none.
        const text = request.type === 'chat-edit' ? await this.checked(room, caller, request.text, await this.imagesOf(room, request.serial)) : ok('');
        if (!text.ok) return text;
        const change = request.type === 'chat-edit' ? { text: text.value, editedAt: this.now() } : { deleted: true as const, editedAt: this.now() };
        const changed = await store.changeChat(room, request.serial, caller.author.id, change);
        if ('refused' in changed) {
          const why = changed.refused === 'forbidden' ? `message ${request.serial} is not yours to change` : `room ${room} has no message ${request.serial}`;
          return fail(changed.refused, why);
        }
        const type = request.type === 'chat-edit' ? 'edit' : 'delete';
        return ok({ answer: answerOk({ message: changed.message }), broadcast: { type, message: changed.message } });
      }
      case 'chat-react': {
        // [CHAT-15] Anyone who may write reacts to anyone's message; no moderation: an emoji is checked by the wire.
        if (!caller.canWrite) return fail('read_only', `${caller.author.id} may read room ${room} but not react in it`);
        const changed = await store.changeChat(room, request.serial, caller.author.id, { react: request.emoji, on: request.on, by: caller.author });
        if ('refused' in changed) {
          const why = changed.refused === 'too_many' ? `message ${request.serial} holds at most ${MAX_REACTIONS} different emoji, each from at most ${MAX_REACTORS} people` : `room ${room} has no message ${request.serial}`;
          return fail(changed.refused, why);
        }
        return ok({ answer: answerOk({ message: changed.message }), broadcast: { type: 'react', message: changed.message } });
      }
      case 'chat-typing':
        return fail('message_invalid', 'typing is the room authority\'s to handle');
    }
  }

  /** [CHAT-14] The pictures message `serial` carries (an edit of one may leave its text empty). */
  private async imagesOf(room: string, serial: number): Promise<readonly string[] | undefined> {
    return (await this.live(room, serial))?.images;
  }

  /**
   * [CHAT-14] Why the pictures cannot go, when one is not in the room's assets: a made-up id or
   * another room's would be a broken picture for every reader.
   */
  private async missingPictures(room: string, images: readonly string[] | undefined): Promise<string | undefined> {
    const hasAssets = this.options.store.hasAssets?.bind(this.options.store);
    if (!images || !hasAssets) return undefined;
    const ids = images.map((src) => assetIdOf(src) ?? src);
    const present = new Set(await hasAssets(room, ids));
    const missing = ids.findIndex((id) => !present.has(id));
    return missing < 0 ? undefined : `picture ${missing + 1} is not one of room ${room}'s assets: upload it to the room first`;
  }

  /** Message `serial` as stored, unless it does not exist or is deleted. */
  private async live(room: string, serial: number): Promise<ChatMessage | undefined> {
    const [message] = (await this.options.store.chatPage(room, { after: serial - 1, limit: 1 })).messages;
    return message?.serial === serial && !message.deleted ? message : undefined;
  }

  /** The caller may write and the text fits (before moderation, which may still refuse or rewrite it). */
  private writable(room: string, caller: ChatCaller, text: string, images: readonly string[] | undefined): Result<string> {
    if (!caller.canWrite) return fail('read_only', `${caller.author.id} may read room ${room} but not chat in it`);
    const problem = chatTextProblem(text, this.maxLength, images !== undefined);
    return problem ? fail('message_invalid', problem) : ok(text);
  }

  /** A sendable text: the caller may write, the text fits, and moderation let it pass or rewrote it. */
  private async checked(room: string, caller: ChatCaller, text: string, images: readonly string[] | undefined): Promise<Result<string>> {
    const allowed = this.writable(room, caller, text, images);
    if (!allowed.ok) return allowed;
    if (!this.options.moderate) return ok(text);
    let verdict;
    try {
      verdict = await this.options.moderate(room, { text, author: caller.author, ...(images ? { images } : {}) });
    } catch (thrown) {
      return fail('rejected', `moderation failed: ${describeThrown(thrown)}`);
    }
    if (verdict && 'reject' in verdict) return fail('rejected', String(verdict.reject));
    if (verdict && 'text' in verdict) {
      // A rewrite is held to the same rules as what the member typed.
      const rewritten = chatTextProblem(verdict.text, this.maxLength, images !== undefined);
      return rewritten ? fail('rejected', `moderation rewrote it to something unsendable: ${rewritten}`) : ok(verdict.text);
    }
    return ok(text);
  }
}
