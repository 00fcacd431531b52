/**
 * The default engine: all state in Maps and Sets of this process (never plain objects keyed by
 * client input, so `__proto__` or `constructor` as a channel or clientId is just a string).
 */
import { matchingPatterns, type Message } from '@kuiper/protocol';
import { encodedSize } from '../core/codec.js';
import type {
  AckBatch,
  ChannelListener,
  DeliveryMode,
  Engine,
  EngineEvent,
  EngineOptions,
  EngineStats,
  LifecycleEvent,
  RemovalReason,
  SubscribeResult,
} from '../core/engine.js';
import { STREAMED, settleLifecycle, settleSubscribe } from '../core/engine.js';
import type { SessionInfo } from '../core/security.js';
import { ChannelTable, eachListener } from './memory/channel-table.js';
import { smallAdd, smallDelete, smallHas, smallSize, smallValues } from './memory/small-set.js';
import {
  type SessionState,
  OverflowLosses,
  UNRECOVERED_CHANNEL,
  addSubscription,
  newClientId,
  removeSubscription,
  sinceStart,
  subscriptionCount,
  subscriptionsOf,
} from './session-state.js';

/**
 * The queue of every session with nothing queued: most sessions are idle most of the time, and an
 * empty array each is 32 bytes. Frozen, so a push that forgot to replace it throws.
 */
const NOTHING_QUEUED = Object.freeze([]) as unknown as Message[];

const NOTHING_WATCHED = (): void => {};

const isNotice = (m: Message): boolean => m.channel === UNRECOVERED_CHANNEL;

export class MemoryEngine implements Engine {
  readonly name = 'memory';
  private readonly sessions = new Map<string, SessionState>();
  private readonly channels = new ChannelTable((event) => this.emit(event));
  private totalSubscriptions = 0;
  /** [LIMIT-12] What full queues dropped, told to each session with its next take. */
  private readonly losses = new OverflowLosses();
  private options: EngineOptions | undefined;
  private timer: NodeJS.Timeout | undefined;

  start(options: EngineOptions): void {
    this.options = options;
    this.timer = setInterval(() => this.sweep(Date.now()), options.sweepIntervalMs);
    this.timer.unref();
  }

  private emit(event: EngineEvent): void {
    this.options?.onEvent(event);
  }

  async createSession(data?: unknown): Promise<string> {
    const id = newClientId();
    this.sessions.set(id, {
      id,
      subscriptions: undefined,
      queue: NOTHING_QUEUED,
      queueBytes: 0,
      data,
      ack: undefined,
      watcher: undefined,
      connects: 0,
      lastSeen: sinceStart(Date.now()),
    });
    this.emit({ type: 'session:added', clientId: id });
    return id;
  }

  async hasSession(clientId: string): Promise<boolean> {
    return this.sessions.has(clientId);
  }

  async sessionData(clientId: string): Promise<unknown> {
    return this.sessions.get(clientId)?.data;
  }

  async session(clientId: string): Promise<SessionInfo | undefined> {
    const session = this.sessions.get(clientId);
    // The session's own id string, not the caller's: each message's clientId is a fresh copy made by
    // JSON.parse, and what the core keeps from here (held connects, flows) would keep that copy.
    return session ? { clientId: session.id, data: session.data } : undefined;
  }

  async subscribers(channel: string): Promise<SessionInfo[]> {
    const out: SessionInfo[] = [];
    for (const id of smallValues(this.channels.get(channel)?.subscribers)) {
      const session = this.sessions.get(id);
      if (session) out.push({ clientId: id, data: session.data });
    }
    return out;
  }

  async hasChannel(channel: string): Promise<boolean> {
    return this.channels.has(channel);
  }

  async subscriptionCount(clientId: string): Promise<number> {
    const session = this.sessions.get(clientId);
    return session ? subscriptionCount(session) : 0;
  }

  async destroySession(clientId: string, reason: RemovalReason): Promise<boolean> {
    const life = this.remove(clientId, reason);
    if (!life) return false;
    await settleLifecycle(this.options, life);
    return true;
  }

  /** For removals no request waits on (overflow, pruning): their hooks run, failures are logged. */
  private background(life: LifecycleEvent[] | undefined): void {
    if (life) void settleLifecycle(this.options, life);
  }

  /** Removes a session; returns its lifecycle events (LIFE-3, LIFE-4), or undefined if it was not there. */
  private remove(clientId: string, reason: RemovalReason): LifecycleEvent[] | undefined {
    const session = this.sessions.get(clientId);
    if (!session) return undefined;
    const { data } = session;
    const life: LifecycleEvent[] = [{ type: 'removed', clientId, data, reason, local: true }];
    for (const pattern of subscriptionsOf(session)) {
      if (this.dropSubscriber(pattern, clientId)) {
        life.push({ type: 'vacated', channel: pattern, clientId, data, reason, local: true });
      }
    }
    session.subscriptions = undefined;
    session.queue = NOTHING_QUEUED;
    session.queueBytes = 0;
    session.ack = undefined;
    this.losses.forget(clientId);
    this.sessions.delete(clientId);
    this.emit({ type: 'session:removed', clientId, reason });
    // Wake the watcher so a held connect or an open stream notices the session is gone.
    const watcher = session.watcher;
    session.watcher = undefined;
    watcher?.();
    return life;
  }

  /** Drops one subscriber; true when it was the channel's last (the channel is vacated). */
  private dropSubscriber(pattern: string, clientId: string): boolean {
    const state = this.channels.get(pattern);
    if (!state || !smallHas(state.subscribers, clientId)) return false;
    state.subscribers = smallDelete(state.subscribers, clientId);
    this.totalSubscriptions--;
    this.emit({ type: 'subscription:removed', clientId, channel: pattern });
    if (smallSize(state.subscribers) > 0) return false;
    this.channels.mayBeUnused(pattern);
    return true;
  }

  async subscribe(clientId: string, pattern: string): Promise<SubscribeResult> {
    const session = this.sessions.get(clientId);
    if (!session) return false;
    const state = this.channels.ensure(pattern);
    if (smallHas(state.subscribers, clientId)) return 'present';
    // The session's own id string (48 bytes a copy): the subscribe message's is a copy of it.
    state.subscribers = smallAdd(state.subscribers, session.id);
    addSubscription(session, state.name);
    this.totalSubscriptions++;
    this.emit({ type: 'subscription:added', clientId, channel: pattern });
    if (smallSize(state.subscribers) > 1) return 'added';
    // [LIFE-1][LIFE-2] The first subscriber; if the hooks fail, the subscription is undone (the channel vacated again).
    const occupied: LifecycleEvent = { type: 'occupied', channel: pattern, clientId, data: session.data, local: true };
    return settleSubscribe(this.options, [occupied], () => this.unsubscribe(clientId, pattern));
  }

  async unsubscribe(clientId: string, pattern: string): Promise<boolean> {
    const session = this.sessions.get(clientId);
    if (!session) return false;
    if (removeSubscription(session, pattern) && this.dropSubscriber(pattern, clientId)) {
      const { data } = session;
      await settleLifecycle(this.options, [{ type: 'vacated', channel: pattern, clientId, data, reason: 'unsubscribe', local: true }]);
    }
    return true;
  }

  async publish(message: Message): Promise<number> {
    this.channels.ensure(message.channel);
    const patterns = matchingPatterns(message.channel);
    // Most publishes match one pattern with subscribers; only build a de-duplicating set when
    // several patterns have subscribers, so a session gets one copy however many match.
    let first: Iterable<string> | undefined;
    let seen: Set<string> | undefined;
    for (const pattern of patterns) {
      const state = this.channels.get(pattern);
      if (!state) continue;
      eachListener(state.listeners, message);
      if (state.subscribers === undefined) continue;
      if (first === undefined) first = smallValues(state.subscribers);
      else {
        seen ??= new Set(first);
        for (const id of smallValues(state.subscribers)) seen.add(id);
      }
    }
    const targets = seen ?? first;
    if (!targets) return 0;
    // Serialised once here; every queue's byte bound uses the same figure.
    const size = encodedSize(message);
    let count = 0;
    for (const id of targets) {
      const session = this.sessions.get(id);
      if (session) {
        this.enqueue(session, message, size);
        count++;
      }
    }
    return count;
  }

  private enqueue(session: SessionState, message: Message, size = encodedSize(message)): void {
    const opts = this.options;
    if (opts && (session.queue.length >= opts.maxQueue || session.queueBytes + size > opts.maxQueueBytes)) {
      // [LIMIT-6] A slow consumer: its memory is bounded, by policy, and the server says so (and, for
      // drop-oldest, the client: LIMIT-12, one notice of the channels dropped, with its next take).
      if (opts.overflow === 'disconnect') {
        this.emit({ type: 'session:overflow', clientId: session.id, dropped: session.queue.length + 1, policy: 'disconnect' });
        this.background(this.remove(session.id, 'overflow'));
        return;
      }
      // A message larger than the whole bound is the one dropped; the queue is left alone.
      if (size > opts.maxQueueBytes) {
        this.losses.add(session.id, message.channel);
        // Nothing may be queued, yet the session has something to be told (its notice).
        if (session.queue.length === 0) session.watcher?.();
        this.emit({ type: 'session:overflow', clientId: session.id, dropped: 1, policy: 'drop-oldest' });
        return;
      }
      let dropped = 0;
      while (
        session.queue.length > 0 &&
        (session.queue.length >= opts.maxQueue || session.queueBytes + size > opts.maxQueueBytes)
      ) {
        const old = session.queue.shift() as Message;
        session.queueBytes -= encodedSize(old);
        this.losses.add(session.id, old.channel);
        dropped++;
      }
      this.emit({ type: 'session:overflow', clientId: session.id, dropped, policy: 'drop-oldest' });
    }
    // A queue of one is made with room for one: an empty array's first push reserves seventeen
    // (~150 bytes a delivery where a session takes after each publish, as a streamed one does).
    if (session.queue === NOTHING_QUEUED) session.queue = [message];
    else session.queue.push(message);
    session.queueBytes += size;
    if (session.queue.length === 1) session.watcher?.();
  }

  async deliver(clientId: string, messages: Message[]): Promise<boolean> {
    const session = this.sessions.get(clientId);
    if (!session) return false;
    for (const m of messages) this.enqueue(session, m);
    return true;
  }

  async take(clientId: string): Promise<Message[]> {
    return this.takeNow(clientId);
  }

  /** [ENG-7] The queue, after the notice of what it dropped since the last take (LIMIT-12), if anything was. */
  takeNow(clientId: string): Message[] {
    const session = this.sessions.get(clientId);
    if (!session) return [];
    return this.withNotice(session, this.takeQueue(session));
  }

  private takeQueue(session: SessionState): Message[] {
    if (session.queue.length === 0) return [];
    const out = session.queue;
    session.queue = NOTHING_QUEUED;
    session.queueBytes = 0;
    return out;
  }

  /** [LIMIT-12] The episode's notice goes first: the client hears of the loss before what followed it. */
  private withNotice(session: SessionState, messages: Message[]): Message[] {
    const notice = this.losses.take(session.id);
    return notice ? [notice, ...messages] : messages;
  }

  async setAck(clientId: string, enabled: boolean): Promise<void> {
    const session = this.sessions.get(clientId);
    if (session) session.ack = enabled ? (session.ack ?? { next: 1, unacked: undefined }) : undefined;
  }

  async deliveryMode(clientId: string): Promise<DeliveryMode> {
    const ack = this.sessions.get(clientId)?.ack;
    return ack ? { ack: true, unacked: ack.unacked?.batch } : STREAMED;
  }

  async takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch> {
    const session = this.sessions.get(clientId);
    const ack = session?.ack;
    if (!session || !ack) return { batch: 0, messages: this.takeNow(clientId) };
    const pending = ack.unacked;
    // [ACK-2] What the client acknowledged is forgotten; anything later was lost and goes again.
    const resend = pending && (acked === undefined || acked < pending.batch) ? pending.messages : [];
    const fresh = this.takeQueue(session);
    let messages = resend.length === 0 ? fresh : fresh.length === 0 ? resend : [...resend, ...fresh];
    messages = this.withNotice(session, this.boundBatch(session, messages));
    const batch = ack.next++;
    ack.unacked = messages.length > 0 ? { batch, messages } : undefined;
    return { batch, messages };
  }

  /**
   * [LIMIT-6] Unacknowledged messages count against the same bounds as the queue: a client that
   * never acknowledges cannot make its batch grow without end. The oldest go first.
   */
  private boundBatch(session: SessionState, messages: Message[]): Message[] {
    const opts = this.options;
    if (!opts) return messages;
    // [LIMIT-12] A resent batch's notice is outside the bounds: never dropped, and still first.
    const notices = messages.filter(isNotice);
    const rest = notices.length === 0 ? messages : messages.filter((m) => !isNotice(m));
    let bytes = 0;
    for (const m of rest) bytes += encodedSize(m);
    let start = 0;
    while (start < rest.length && (rest.length - start > opts.maxQueue || bytes > opts.maxQueueBytes)) {
      bytes -= encodedSize(rest[start] as Message);
      this.losses.add(session.id, (rest[start] as Message).channel);
      start++;
    }
    if (start === 0) return messages;
    this.emit({ type: 'session:overflow', clientId: session.id, dropped: start, policy: 'drop-oldest' });
    return [...notices, ...rest.slice(start)];
  }

  watch(clientId: string, onQueued: () => void): () => void {
    const session = this.sessions.get(clientId);
    if (!session) {
      onQueued();
      return NOTHING_WATCHED;
    }
    session.watcher = onQueued;
    if (session.queue.length > 0 || this.losses.has(clientId)) onQueued();
    return () => {
      if (session.watcher === onQueued) session.watcher = undefined;
    };
  }

  unwatch(clientId: string, onQueued: () => void): void {
    const session = this.sessions.get(clientId);
    if (session?.watcher === onQueued) session.watcher = undefined;
  }

  connectOpened(clientId: string): void {
    const session = this.sessions.get(clientId);
    if (session) session.connects++;
  }

  connectClosed(clientId: string): void {
    const session = this.sessions.get(clientId);
    if (!session) return;
    session.connects = Math.max(0, session.connects - 1);
    session.lastSeen = sinceStart(Date.now());
  }

  listen(pattern: string, listener: ChannelListener): () => void {
    return this.channels.listen(pattern, listener);
  }

  setPersistent(channel: string, persistent: boolean): void {
    this.channels.ensure(channel).persistent = persistent;
    if (!persistent) this.channels.mayBeUnused(channel);
  }

  /** Prunes sessions that stopped connecting, then sweeps channels nobody uses. */
  sweep(now: number): void {
    const opts = this.options;
    if (!opts) return;
    const limit = opts.maxInterval + opts.interval;
    const at = sinceStart(now);
    // No copy of the sessions each sweep (40 KB of garbage a second with 5,000 idle ones): a Map's
    // iteration goes on past the entry just removed.
    for (const session of this.sessions.values()) {
      if (session.connects === 0 && at - session.lastSeen > limit) this.background(this.remove(session.id, 'pruned'));
    }
    this.channels.sweep();
  }

  stats(): EngineStats {
    return { clients: this.sessions.size, channels: this.channels.size, subscriptions: this.totalSubscriptions };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // The sessions really end here: their hooks (saving a room's document, say) run before close resolves.
    for (const id of [...this.sessions.keys()]) await settleLifecycle(this.options, this.remove(id, 'server') ?? []);
    this.channels.clear();
  }
}
