/**
 * `room.chat` (CHAT-5, CHAT-9, CHAT-8): a member's chat over any request/answer link and the room's
 * chat broadcasts. Framework-free: `enterRoom` gives it the Kuiper client's `call` and forwards what
 * arrives on `/rooms/<id>/chat`; tests give it the deterministic network.
 */
import { collabError, describeThrown, type CollabError, type CollabErrorCode, type Result } from '../protocol/errors.js';
import { systemClock, type Clock } from '../core/clock.js';
import { Listeners } from '../core/listeners.js';
import { ChatWindow, type Merged } from './chat-window.js';
import { chatRequest, MAX_PAGE, parseChatBroadcast, readAnswer, readJoined, readMessage, readMessages, type ChatBroadcast, type ChatRequest } from './chat-wire.js';
import type { ChatAuthor, ChatEvent, ChatMessage, ChatSendOptions, RoomChat, Typer } from './types.js';

export interface ChatLink {
  /** Sends a request on `/service/rooms/<id>/chat`; resolves with the server's answer. */
  call(request: Record<string, unknown>): Promise<unknown>;
  /** This member's connection id (to leave itself out of `typers()`), once it has one. */
  clientId(): string | undefined;
}

export interface RoomChatOptions {
  /** Messages in the first window and in each older page (default 50). */
  pageSize?: number;
  /** At most one typing notice per this long (default 1000 ms, a third of the server's expiry). */
  typingThrottleMs?: number;
  clock?: Clock;
  /** Background problems (a gap that could not be filled, an unreadable broadcast). */
  onError?: (error: CollabError) => void;
}

/** A rejected chat call: an Error (with a stack) that is also a CollabError value. */
export class ChatError extends Error implements CollabError {
  constructor(readonly code: CollabErrorCode, message: string) {
    super(message);
    this.name = 'ChatError';
  }
}

const JOIN_ATTEMPTS = 5;
/** Resends of a message whose answer the transport lost. */
const SEND_RETRIES = 2;

/** 128 random bits as hex: getRandomValues exists everywhere, randomUUID only in secure contexts. */
function messageId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ChatClient implements RoomChat {
  private readonly window = new ChatWindow();
  private readonly events = new Listeners<ChatEvent>();
  private readonly typerListeners = new Listeners<void>();
  private readonly readListeners = new Listeners<void>();
  private readonly meListeners = new Listeners<void>();
  private readonly clock: Clock;
  private readonly pageSize: number;
  private readonly throttleMs: number;
  private self: ChatAuthor | undefined;
  private read = 0;
  private typerList: readonly Typer[] = [];
  private lastTyping = Number.NEGATIVE_INFINITY;
  /** Broadcasts heard before the join answered: merged once it has (no gap, no duplicate). */
  private pending: ChatBroadcast[] | undefined = [];
  private joined: Promise<void> | undefined;
  private filling = false;
  /** A join is waiting for its answer. */
  private joining = false;
  private stopped = false;

  constructor(private readonly link: ChatLink, private readonly options: RoomChatOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.pageSize = Math.min(MAX_PAGE, options.pageSize ?? 50);
    this.throttleMs = options.typingThrottleMs ?? 1000;
  }

  /** Subscribed (again, on a new session): load the newest page, or refresh the window held. */
  start(): Promise<void> {
    this.pending ??= [];
    this.joining = true;
    const joining = this.join()
      .catch((error: unknown) => this.report(error))
      .finally(() => (this.joining = false));
    this.joined = joining;
    return joining;
  }

  /** The session ended: typers are unknown until the next start; broadcasts wait for it. */
  reset(): void {
    this.pending = [];
    this.setTypers([]);
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * [CHAT-5] The same session came back, but broadcasts in flight may be lost (no ack extension, or
   * the server said so): the window is refreshed from its first serial on, as after a new session —
   * not only from the newest, since a lost broadcast may be an edit or a delete of a message held.
   * A window is a page or a few (200 a request); a join still answering refills it anyway.
   */
  catchUp(): void {
    if (this.stopped || this.joining) return;
    // A join whose answer was lost failed: broadcasts wait for one, so it is asked again.
    if (this.pending) return void this.start();
    this.fill(Math.max(0, this.window.first - 1), true).catch((error: unknown) => this.report(error));
  }

  /** One message from `/rooms/<id>/chat`. */
  receive(data: unknown): void {
    const read = parseChatBroadcast(data);
    if (!read.ok) return this.options.onError?.(read.error);
    if (this.pending) this.pending.push(read.value);
    else this.apply(read.value);
  }

  messages(): readonly ChatMessage[] {
    return this.window.messages();
  }

  /**
   * [CHAT-3] Sent with an id of its own: when the transport loses the answer (a node died, a timeout)
   * it is sent again with the same id, and the server stores it once whichever attempt landed.
   */
  async send(text: string, options: ChatSendOptions = {}): Promise<ChatMessage> {
    const id = messageId();
    const images = options.images && options.images.length > 0 ? { images: [...options.images] } : {};
    const replyTo = options.replyTo === undefined ? {} : { replyTo: options.replyTo };
    for (let attempt = 1; ; attempt++) {
      try {
        const message = this.message(await this.ask({ type: 'chat-send', text, id, ...images, ...replyTo }));
        this.land([message]);
        return message;
      } catch (error) {
        if (!(error instanceof ChatError) || error.code !== 'send_failed' || attempt > SEND_RETRIES || this.stopped) throw error;
        await new Promise<void>((done) => this.clock.setTimeout(done, 250 * attempt));
      }
    }
  }

  async edit(serial: number, text: string): Promise<ChatMessage> {
    const message = this.message(await this.ask({ type: 'chat-edit', serial, text }));
    this.land([message]);
    return message;
  }

  async delete(serial: number): Promise<void> {
    this.land([this.message(await this.ask({ type: 'chat-delete', serial }))]);
  }

  async react(serial: number, emoji: string, on = true): Promise<ChatMessage> {
    const message = this.message(await this.ask({ type: 'chat-react', serial, emoji, on }));
    this.land([message]);
    return message;
  }

  async history(options: { before?: number; limit?: number } = {}): Promise<{ messages: ChatMessage[]; hasMore: boolean }> {
    const request: ChatRequest = { type: 'chat-history', limit: Math.min(MAX_PAGE, options.limit ?? this.pageSize) };
    if (options.before !== undefined) request.before = options.before;
    return this.page(await this.ask(request));
  }

  async search(text: string, options: { before?: number; limit?: number } = {}): Promise<{ messages: ChatMessage[]; before: number; done: boolean }> {
    const answer = await this.ask({ type: 'chat-search', text, limit: options.limit ?? 20, ...(options.before === undefined ? {} : { before: options.before }) });
    const messages = readMessages(answer.messages);
    if (!messages || typeof answer.before !== 'number' || typeof answer.done !== 'boolean') throw new ChatError('message_invalid', 'an unreadable search answer');
    return { messages, before: answer.before, done: answer.done };
  }

  async loadOlder(limit = this.pageSize): Promise<boolean> {
    await this.joined;
    if (this.window.first <= 1) return false;
    const page = await this.history({ before: this.window.first, limit });
    return this.announce(this.window.prepend(page.messages)) > 0;
  }

  subscribe(fn: (event: ChatEvent) => void): () => void {
    return this.events.subscribe(fn);
  }

  typing(): void {
    const now = this.clock.now();
    if (now - this.lastTyping < this.throttleMs) return;
    this.lastTyping = now;
    this.ask({ type: 'chat-typing' }).catch((error: unknown) => this.report(error));
  }

  typers(): readonly Typer[] {
    return this.typerList;
  }

  subscribeTypers(fn: () => void): () => void {
    return this.typerListeners.subscribe(fn);
  }

  async markRead(serial: number): Promise<void> {
    const answer = await this.ask({ type: 'chat-read', serial });
    this.raiseRead(typeof answer.read === 'number' ? answer.read : serial);
  }

  readPosition(): number {
    return this.read;
  }

  /** Messages of others after the read position, among those loaded, not deleted. */
  unreadCount(): number {
    const me = this.self?.id;
    return this.window.messages().filter((m) => m.serial > this.read && m.author.id !== me && !m.deleted).length;
  }

  subscribeRead(fn: () => void): () => void {
    return this.readListeners.subscribe(fn);
  }

  /** [CHAT-12] Who the server says this member is (its join answer's `me`); undefined before it answered. */
  me(): ChatAuthor | undefined {
    return this.self;
  }

  subscribeMe(fn: () => void): () => void {
    return this.meListeners.subscribe(fn);
  }

  private async join(): Promise<void> {
    let answer: Record<string, unknown> | undefined;
    for (let attempt = 1; !answer; attempt++) {
      try {
        answer = await this.ask({ type: 'chat-join', limit: this.pageSize });
      } catch (error) {
        // The server may not have seen this session's subscribe yet (a new session resubscribing), or
        // the answer was lost with a dropped connection (no ack extension): broadcasts wait for a join.
        const retry = error instanceof ChatError && (error.code === 'not_a_member' || error.code === 'send_failed');
        if (!retry || attempt >= JOIN_ATTEMPTS || this.stopped) throw error;
        await new Promise<void>((done) => this.clock.setTimeout(done, 100 * attempt));
      }
    }
    const joined = readJoined(answer);
    if (!joined) throw new ChatError('message_invalid', 'an unreadable chat join answer');
    this.setSelf(joined.me);
    const refill = this.window.last > 0; // a window held across sessions: refresh it from its start
    this.announce(this.window.anchor(joined.messages));
    this.raiseRead(joined.read);
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const b of pending) this.apply(b);
    if (refill) await this.fill(this.window.first - 1, true);
    await this.fillGaps();
  }

  private apply(b: ChatBroadcast): void {
    if (b.type === 'typing') {
      const own = this.link.clientId();
      return this.setTypers(b.typers.filter((t) => t.clientId !== own));
    }
    if (b.type === 'read') {
      if (b.user === this.self?.id) this.raiseRead(b.serial); // another tab of this user
      return;
    }
    this.land([b.message]);
    void this.fillGaps();
  }

  /** Merges and tells subscribers. */
  private land(messages: ChatMessage[]): void {
    this.announce(this.window.merge(messages));
    if (this.window.gapAfter() !== undefined) void this.fillGaps();
  }

  /** New to the window: 'message'; a later state of one it holds: 'edit', 'delete' or 'react'. */
  private announce(merged: Merged): number {
    for (const message of merged.added) this.events.emit({ type: 'message', message });
    for (const change of merged.changed) this.events.emit(change);
    return merged.added.length + merged.changed.length;
  }

  /** Asks for what lies in a gap (messages published out of order by two nodes, or lost). */
  private async fillGaps(): Promise<void> {
    if (this.filling || this.pending) return;
    this.filling = true;
    try {
      for (let after = this.window.gapAfter(), rounds = 0; after !== undefined && rounds < 100 && !this.stopped; after = this.window.gapAfter(), rounds++) {
        await this.fill(after, false);
      }
    } catch (error) {
      this.report(error);
    } finally {
      this.filling = false;
    }
  }

  /** Pages forward from `after` until the server has no more (`all`) or the gap is closed. */
  private async fill(after: number, all: boolean): Promise<void> {
    for (let cursor = after, rounds = 0; rounds < 10_000 && !this.stopped; rounds++) {
      const page = this.page(await this.ask({ type: 'chat-history', after: cursor, limit: MAX_PAGE }));
      this.announce(this.window.merge(page.messages));
      const end = page.messages.at(-1)?.serial;
      if (!page.hasMore || end === undefined || (!all && this.window.gapAfter() === undefined)) return;
      cursor = end;
    }
  }

  /** Told before the window is announced, so the first render of the messages already knows whose they are. */
  private setSelf(me: ChatAuthor): void {
    if (this.self?.id === me.id && this.self.name === me.name) return;
    this.self = me;
    this.meListeners.emit();
    this.readListeners.emit(); // unreadCount() leaves out this user's own messages

  }

  private raiseRead(serial: number): void {
    if (serial <= this.read) return;
    this.read = serial;
    this.readListeners.emit();
  }

  private setTypers(typers: Typer[]): void {
    if (typers.length === 0 && this.typerList.length === 0) return;
    this.typerList = typers;
    this.typerListeners.emit();
  }

  private async ask(request: ChatRequest): Promise<Record<string, unknown>> {
    let data: unknown;
    try {
      data = await this.link.call(chatRequest(request));
    } catch (thrown) {
      throw new ChatError('send_failed', describeThrown(thrown));
    }
    const answer: Result<Record<string, unknown>> = readAnswer(data);
    if (!answer.ok) throw new ChatError(answer.error.code, answer.error.message);
    return answer.value;
  }

  private message(answer: Record<string, unknown>): ChatMessage {
    const message = readMessage(answer.message);
    if (!message) throw new ChatError('message_invalid', 'an unreadable chat answer');
    return message;
  }

  private page(answer: Record<string, unknown>): { messages: ChatMessage[]; hasMore: boolean } {
    const messages = readMessages(answer.messages);
    if (!messages || typeof answer.hasMore !== 'boolean') throw new ChatError('message_invalid', 'an unreadable chat page');
    return { messages, hasMore: answer.hasMore };
  }

  private report(error: unknown): void {
    if (this.stopped) return;
    const e = error instanceof ChatError ? collabError(error.code, error.message) : collabError('send_failed', describeThrown(error));
    this.options.onError?.(e);
  }
}
