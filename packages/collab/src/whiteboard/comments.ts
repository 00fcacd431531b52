/**
 * [BOARD-19] Comment threads pinned to a spot on the board (what Liveblocks' Comments and FigJam's
 * comments give): a thread is a place, its messages and whether it is resolved. Threads live in the
 * room's document (`comments` map), so they are stored, synced, kept offline and shown to late
 * joiners like the shapes, with no service of their own. They are conversation, not drawing: their
 * edits carry an origin the per-user undo does not track, so Ctrl+Z never takes back a comment.
 * Authors are what the writing member says, as with every edit of the document: anyone who may
 * write the board may write here (a read-only member's comment is refused by the server like any
 * update). What a peer wrote is read defensively: a malformed thread or message is skipped.
 */
import * as Y from 'yjs';
import { fail, ok, type Result } from '../protocol/errors.js';
import { Listeners } from '../core/listeners.js';
import { isCoordinate } from './shape.js';

/** The document map holding the threads, by id. */
export const COMMENTS_MAP = 'comments';
/** The transaction origin of comment edits: not one the per-user undo tracks. */
export const COMMENTS_ORIGIN = 'kuiper-comments';
export const COMMENT_LIMITS = { text: 2000, name: 64, messages: 500 } as const;

export interface CommentAuthor {
  readonly name: string;
  /** A stable id of the person (e.g. the app's user id), when the app has one. */
  readonly id?: string;
}

export interface CommentMessage {
  readonly id: string;
  readonly author: CommentAuthor;
  readonly text: string;
  /** ms since epoch, the writer's clock. */
  readonly at: number;
  /** [BOARD-21] When its author last edited it (ms since epoch), if ever. */
  readonly editedAt?: number;
}

export interface CommentThread {
  readonly id: string;
  /** Where the pin is, in board units. */
  readonly x: number;
  readonly y: number;
  readonly resolved: boolean;
  /** Oldest first; never empty. */
  readonly messages: readonly CommentMessage[];
}

const isAuthor = (value: unknown): value is CommentAuthor => {
  if (typeof value !== 'object' || value === null) return false;
  const { name, id } = value as { name?: unknown; id?: unknown };
  return typeof name === 'string' && name.length > 0 && name.length <= COMMENT_LIMITS.name && (id === undefined || (typeof id === 'string' && id.length <= COMMENT_LIMITS.name));
};

function readMessage(value: unknown): CommentMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, author, text, at } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !isAuthor(author) || typeof text !== 'string' || text.length === 0 || text.length > COMMENT_LIMITS.text) return undefined;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  return { id, author: author.id === undefined ? { name: author.name } : { name: author.name, id: author.id }, text, at };
}

/**
 * [BOARD-21] An edit is kept beside the thread's messages, under `edit:<message id>`, not by
 * replacing the message in its array: a map key is last-writer-wins, so two members editing one
 * message at once end with one text, where a delete-and-insert would leave two copies.
 */
const EDIT_PREFIX = 'edit:';

function withEdit(message: CommentMessage, edit: unknown): CommentMessage {
  if (typeof edit !== 'object' || edit === null) return message;
  const { text, at } = edit as Record<string, unknown>;
  if (typeof text !== 'string' || text.length === 0 || text.length > COMMENT_LIMITS.text || typeof at !== 'number' || !Number.isFinite(at)) return message;
  return { ...message, text, editedAt: at };
}

function readThread(id: string, value: unknown): CommentThread | undefined {
  if (!(value instanceof Y.Map)) return undefined;
  const x = value.get('x'), y = value.get('y'), resolved = value.get('resolved'), list = value.get('messages');
  if (!isCoordinate(x) || !isCoordinate(y) || !(list instanceof Y.Array)) return undefined;
  const messages = list.toArray().map(readMessage).filter((m): m is CommentMessage => m !== undefined)
    .map((m) => withEdit(m, value.get(EDIT_PREFIX + m.id)));
  if (messages.length === 0) return undefined;
  return { id, x, y, resolved: resolved === true, messages };
}

/** Why a message cannot be posted, or undefined. */
function messageProblem(text: string, author: CommentAuthor): string | undefined {
  if (typeof text !== 'string' || text.trim().length === 0) return 'a comment needs some text';
  if (text.length > COMMENT_LIMITS.text) return `a comment is at most ${COMMENT_LIMITS.text} characters`;
  if (!isAuthor(author)) return `the author needs a name of 1 to ${COMMENT_LIMITS.name} characters`;
  return undefined;
}

/**
 * [BOARD-21] Whether `author` wrote `message`: the same app user id when both have one, else the
 * same name. Like every author here it is what the members say, a courtesy of the board's UI and
 * model, not a check the server makes.
 */
export function isCommentAuthor(message: CommentMessage, author: CommentAuthor): boolean {
  return message.author.id !== undefined && author.id !== undefined ? message.author.id === author.id : message.author.name === author.name;
}

/**
 * [BOARD-23] How many of a thread's messages are new to `me`: written by someone else after
 * `seenAt` (ms, when `me` last had the thread open, or first saw the board in this browser).
 */
export function unreadMessages(thread: CommentThread, seenAt: number, me: CommentAuthor): number {
  let count = 0;
  for (const message of thread.messages) if (message.at > seenAt && !isCommentAuthor(message, me)) count++;
  return count;
}

const newId = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** The board's comment threads over a room's document: read, post, reply, resolve, edit, delete, subscribe. */
export class BoardComments {
  private readonly root: Y.Map<unknown>;
  private list: readonly CommentThread[] = [];
  private readonly listeners = new Listeners<readonly CommentThread[]>();

  constructor(private readonly doc: Y.Doc) {
    this.root = doc.getMap<unknown>(COMMENTS_MAP);
    this.list = this.read();
    this.root.observeDeep(this.onChange);
  }

  /** Every readable thread, oldest first; the same array until one changes. */
  threads(): readonly CommentThread[] {
    return this.list;
  }

  thread(id: string): CommentThread | undefined {
    return this.list.find((t) => t.id === id);
  }

  subscribe(fn: (threads: readonly CommentThread[]) => void): () => void {
    return this.listeners.subscribe(fn);
  }

  /** Opens a thread at (x, y) with its first message. */
  start(at: { x: number; y: number }, text: string, author: CommentAuthor): Result<CommentThread> {
    if (!isCoordinate(at.x) || !isCoordinate(at.y)) return fail('comment_invalid', 'a comment needs a place on the board');
    const problem = messageProblem(text, author);
    if (problem) return fail('comment_invalid', problem);
    const id = newId();
    this.doc.transact(() => {
      const thread = new Y.Map<unknown>();
      const messages = new Y.Array<unknown>();
      messages.push([{ id: newId(), author, text: text.trim(), at: Date.now() }]);
      thread.set('x', at.x);
      thread.set('y', at.y);
      thread.set('resolved', false);
      thread.set('messages', messages);
      this.root.set(id, thread);
    }, COMMENTS_ORIGIN);
    return this.readBack(id);
  }

  /** Adds a message to a thread (a resolved one opens again, as a reply to it would). */
  reply(threadId: string, text: string, author: CommentAuthor): Result<CommentThread> {
    const problem = messageProblem(text, author);
    if (problem) return fail('comment_invalid', problem);
    const live = this.live(threadId);
    if (!live) return fail('comment_invalid', `no thread ${threadId}`);
    const { thread, messages } = live;
    if (messages.length >= COMMENT_LIMITS.messages) return fail('comment_invalid', `a thread holds at most ${COMMENT_LIMITS.messages} messages`);
    this.doc.transact(() => {
      messages.push([{ id: newId(), author, text: text.trim(), at: Date.now() }]);
      if (thread.get('resolved') === true) thread.set('resolved', false);
    }, COMMENTS_ORIGIN);
    return this.readBack(threadId);
  }

  /** Marks a thread resolved (its pin goes) or open again. */
  resolve(threadId: string, resolved = true): Result<CommentThread> {
    const thread = this.root.get(threadId);
    if (!(thread instanceof Y.Map)) return fail('comment_invalid', `no thread ${threadId}`);
    if (thread.get('resolved') !== resolved) this.doc.transact(() => thread.set('resolved', resolved), COMMENTS_ORIGIN);
    return this.readBack(threadId);
  }

  /** [BOARD-21] Changes the text of a message its author wrote; it reads "edited" from then on. */
  edit(threadId: string, messageId: string, text: string, author: CommentAuthor): Result<CommentThread> {
    const found = this.find(threadId, messageId, author, 'edit');
    if (!found.ok) return found;
    const problem = messageProblem(text, author);
    if (problem) return fail('comment_invalid', problem);
    this.doc.transact(() => found.value.thread.set(EDIT_PREFIX + messageId, { text: text.trim(), at: Date.now() }), COMMENTS_ORIGIN);
    return this.readBack(threadId);
  }

  /**
   * [BOARD-21] Deletes a message its author wrote. The thread goes with its last message, and so
   * does its pin; `ok(undefined)` then.
   */
  delete(threadId: string, messageId: string, author: CommentAuthor): Result<CommentThread | undefined> {
    const found = this.find(threadId, messageId, author, 'delete');
    if (!found.ok) return found;
    const { thread, messages } = found.value;
    const remaining = this.thread(threadId)!.messages.length - 1;
    this.doc.transact(() => {
      if (remaining === 0) return void this.root.delete(threadId);
      const index = messages.toArray().findIndex((m) => readMessage(m)?.id === messageId);
      if (index >= 0) messages.delete(index, 1);
      thread.delete(EDIT_PREFIX + messageId);
    }, COMMENTS_ORIGIN);
    return remaining === 0 ? ok(undefined) : this.readBack(threadId);
  }

  /** [BOARD-21] Deletes a whole thread, replies and all: only who wrote its first message may. */
  deleteThread(threadId: string, author: CommentAuthor): Result<undefined> {
    const first = this.thread(threadId)?.messages[0];
    if (!first) return fail('comment_invalid', `no thread ${threadId}`);
    if (!isCommentAuthor(first, author)) return fail('comment_invalid', 'only who started a thread may delete it');
    this.doc.transact(() => this.root.delete(threadId), COMMENTS_ORIGIN);
    return ok(undefined);
  }

  destroy(): void {
    this.root.unobserveDeep(this.onChange);
  }

  /** The thread's live maps and the message, if `author` wrote it. */
  private find(threadId: string, messageId: string, author: CommentAuthor, what: string): Result<{ thread: Y.Map<unknown>; messages: Y.Array<unknown> }> {
    const live = this.live(threadId);
    const message = this.thread(threadId)?.messages.find((m) => m.id === messageId);
    if (!live || !message) return fail('comment_invalid', `no message ${messageId} in thread ${threadId}`);
    if (!isCommentAuthor(message, author)) return fail('comment_invalid', `only its author may ${what} a message`);
    return ok(live);
  }

  /** A thread's map and its messages array in the document, if both are there. */
  private live(threadId: string): { thread: Y.Map<unknown>; messages: Y.Array<unknown> } | undefined {
    const thread = this.root.get(threadId);
    const messages = thread instanceof Y.Map ? thread.get('messages') : undefined;
    return thread instanceof Y.Map && messages instanceof Y.Array ? { thread, messages } : undefined;
  }

  private readBack(id: string): Result<CommentThread> {
    const thread = readThread(id, this.root.get(id));
    return thread ? ok(thread) : fail('comment_invalid', `${id} could not be read back`);
  }

  private read(): readonly CommentThread[] {
    const threads: CommentThread[] = [];
    for (const [id, value] of this.root.entries()) {
      const thread = readThread(id, value);
      if (thread) threads.push(thread);
    }
    return threads.sort((a, b) => a.messages[0]!.at - b.messages[0]!.at || (a.id < b.id ? -1 : 1));
  }

  private readonly onChange = (): void => {
    this.list = this.read();
    this.listeners.emit(this.list);
  };
}
