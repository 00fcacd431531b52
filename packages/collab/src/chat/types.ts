/**
 * The chat contract shared by the room client (`room.chat`), the React bindings and the lobby.
 * Types only: the server assigns serials and authors, so nothing here trusts a message body.
 */

/** Who wrote a message: decided by the server from the session (the authorize grant's `user`, else the session's `data.user` if it is `{ id: string, name?: string }`, else `{ id: clientId }`), never from the message body. */
export interface ChatAuthor {
  readonly id: string;
  readonly name?: string;
}

export interface ChatMessage {
  /** Server-assigned, per room, 1, 2, 3… gap-free. */
  readonly serial: number;
  readonly author: ChatAuthor;
  /** '' once deleted. */
  readonly text: string;
  /** ms since epoch, server clock. */
  readonly sentAt: number;
  readonly editedAt?: number;
  readonly deleted?: boolean;
  /**
   * [CHAT-14] Pictures sent with the message: the room's assets (`asset:<id>`, COLLAB-47), at most
   * four, drawn from `room.assets.url(src)`. Absent when there are none, and once deleted.
   */
  readonly images?: readonly string[];
  /**
   * [CHAT-15] Emoji reactions, in the order each emoji was first given, each with who gave it (in
   * that order). Absent when there are none, and once deleted.
   */
  readonly reactions?: readonly ChatReaction[];
  /**
   * [CHAT-15] How many times the message changed (edit, delete, reaction): of two states of one
   * message, the higher `rev` is the later. Absent on a message never changed.
   */
  readonly rev?: number;
  /** [CHAT-16] The message this one answers, as it was when this one was sent. Absent once deleted. */
  readonly replyTo?: ChatReplyTo;
}

/** [CHAT-16] A reply's quote: the answered message's serial, author and text (cut to 140 characters). */
export interface ChatReplyTo {
  readonly serial: number;
  readonly author: ChatAuthor;
  /** '' for a message of pictures only. */
  readonly text: string;
}

/** [CHAT-15] One emoji on a message and the people who gave it. */
export interface ChatReaction {
  readonly emoji: string;
  readonly users: readonly ChatAuthor[];
}

/** 'react': a message's reactions changed (its text did not). */
export type ChatEvent = { readonly type: 'message' | 'edit' | 'delete' | 'react'; readonly message: ChatMessage };

export interface Typer {
  readonly author: ChatAuthor;
  readonly clientId: string;
}

export interface ChatSendOptions {
  /** [CHAT-14] Pictures uploaded to the room's assets (`room.assets.upload`); with any, the text may be empty. */
  readonly images?: readonly string[];
  /** [CHAT-16] The serial of the message this one answers (it must exist and not be deleted, else `not_found`). */
  readonly replyTo?: number;
}

export interface RoomChat {
  /** Rejects with a CollabError: read_only, moderation's rejection (code 'rejected' with the hook's reason), message_invalid (empty/too long). */
  send(text: string, options?: ChatSendOptions): Promise<ChatMessage>;
  /** Older pages: the newest `limit` messages before `before`, ascending. */
  history(options?: { before?: number; limit?: number }): Promise<{ messages: ChatMessage[]; hasMore: boolean }>;
  /**
   * [CHAT-17] Messages whose text holds every word of `text` (case and accents aside), newest first,
   * deleted ones never. One call looks through at most 2,000 messages: when `done` is false, call
   * again with `{ before }` from the answer to look further back.
   */
  search(text: string, options?: { before?: number; limit?: number }): Promise<{ messages: ChatMessage[]; before: number; done: boolean }>;
  /** The live window the UI renders: loaded history + live messages, ascending by serial, no gap, no duplicate; the same array object until it changes (for useSyncExternalStore). */
  messages(): readonly ChatMessage[];
  /** Loads one more page of older messages into `messages()`; resolves false when there is none. */
  loadOlder(limit?: number): Promise<boolean>;
  /** Every message/edit/delete event; `messages()` has changed when it fires. */
  subscribe(fn: (event: ChatEvent) => void): () => void;
  /** Own messages only (else 'forbidden'). */
  edit(serial: number, text: string): Promise<ChatMessage>;
  /** Own messages only (else 'forbidden'). */
  delete(serial: number): Promise<void>;
  /**
   * [CHAT-15] Adds this user's `emoji` to message `serial` (`on` false: takes it away); anyone who
   * may write may react to any message that is not deleted. Resolves with the message as stored.
   */
  react(serial: number, emoji: string, on?: boolean): Promise<ChatMessage>;
  /** Throttled; expires on the server after typingTimeoutMs (default 3000). */
  typing(): void;
  /** Others typing now, the same array until it changes. */
  typers(): readonly Typer[];
  subscribeTypers(fn: () => void): () => void;
  /** Stored per user (author id), shared by that user's tabs. */
  markRead(serial: number): Promise<void>;
  /** 0 when nothing read. */
  readPosition(): number;
  unreadCount(): number;
  subscribeRead(fn: () => void): () => void;
  /** This member's author identity as the server decided it (CHAT-2), from its join answer; undefined until then. Same id: own messages, even those sent before a reload (CHAT-12). */
  me(): ChatAuthor | undefined;
  /** Fires when `me()` changes (once the join answered). */
  subscribeMe(fn: () => void): () => void;
}

/** Server-side moderation hook (an `attachCollab` option): rewrite the text, reject with a reason, or let it pass. */
export type ModerationVerdict = { readonly text: string } | { readonly reject: string } | void;
export type ModerateHook = (
  room: string,
  message: { readonly text: string; readonly author: ChatAuthor; readonly images?: readonly string[] },
) => ModerationVerdict | Promise<ModerationVerdict>;

/** Wire (server → members on `/rooms/<id>/chat`). */
export interface ChatEventWire {
  readonly v: 1;
  readonly type: 'chat';
  readonly event: ChatEvent['type'];
  readonly message: ChatMessage;
}
export interface TypingWire {
  readonly v: 1;
  readonly type: 'typing';
  readonly typers: Typer[];
}
