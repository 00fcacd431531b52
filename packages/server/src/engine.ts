/**
 * The multi-node seam (SPEC: ENG-*). Everything about sessions, subscriptions, routing and
 * per-session queues lives behind this interface; the protocol core and the transports keep no
 * session state of their own. The in-memory engine is the default; a Redis engine implements the
 * same interface so several processes can share one set of sessions.
 */
import type { Message } from './message.js';

export type RemovalReason = 'disconnect' | 'pruned' | 'server' | 'overflow' | 'policy';

/** What happens when a session's queue is full (a slow consumer). */
export type OverflowPolicy = 'drop-oldest' | 'disconnect';

export type EngineEvent =
  | { type: 'session:added'; clientId: string }
  | { type: 'session:removed'; clientId: string; reason: RemovalReason }
  | { type: 'channel:added'; channel: string }
  | { type: 'channel:removed'; channel: string }
  | { type: 'subscription:added'; clientId: string; channel: string }
  | { type: 'subscription:removed'; clientId: string; channel: string }
  | { type: 'session:overflow'; clientId: string; dropped: number; policy: OverflowPolicy };

export type EngineEventType = EngineEvent['type'];

export interface EngineOptions {
  /** A session with no /meta/connect for this long after its last connect reply is pruned. */
  maxInterval: number;
  /** Added to maxInterval: the interval the client was told to wait between connects. */
  interval: number;
  /** How often pruning and channel sweeping run. */
  sweepIntervalMs: number;
  /** Most messages queued for one session before the overflow policy applies. */
  maxQueue: number;
  /** Most bytes (serialised) queued for one session before the overflow policy applies. */
  maxQueueBytes: number;
  overflow: OverflowPolicy;
  onEvent: (event: EngineEvent) => void;
}

/** One acknowledged batch: what a connect reply carried, kept until the client acknowledges it. */
export interface AckBatch {
  batch: number;
  messages: Message[];
}

export interface EngineStats {
  clients: number;
  channels: number;
  subscriptions: number;
}

/** A server-side subscriber: called for each message published on a matching channel. */
export type ChannelListener = (message: Message) => void;

export interface Engine {
  readonly name: string;
  /** Called once by the server before use. */
  start(options: EngineOptions): void;
  /** `data` is what the security policy attached at handshake (who the session belongs to). */
  createSession(data?: unknown): Promise<string>;
  hasSession(clientId: string): Promise<boolean>;
  sessionData(clientId: string): Promise<unknown>;
  hasChannel(channel: string): boolean;
  subscriptionCount(clientId: string): number;
  /** Removes a session, its subscriptions and queue. Returns false when it was not there. */
  destroySession(clientId: string, reason: RemovalReason): Promise<boolean>;
  /** Returns false when the session is unknown. */
  subscribe(clientId: string, pattern: string): Promise<boolean>;
  unsubscribe(clientId: string, pattern: string): Promise<boolean>;
  /** Routes a delivery copy to every matching session once, and to server-side listeners. */
  publish(message: Message): Promise<number>;
  /** Queues messages for one session only (service answers, server pushes). */
  deliver(clientId: string, messages: Message[]): Promise<boolean>;
  /** Takes everything queued for a session, oldest first. */
  take(clientId: string): Message[];
  /** Ack mode (cometd's ack extension): deliveries go only with connect replies, in batches. */
  setAck(clientId: string, enabled: boolean): void;
  isAck(clientId: string): boolean;
  /**
   * Ack mode's take: forgets batches up to `acked`, and returns everything not yet acknowledged
   * (older batches first, then newly queued messages) as one new batch.
   */
  takeBatch(clientId: string, acked: number | undefined): AckBatch;
  /** One watcher per session, told when its queue goes from empty to non-empty. */
  watch(clientId: string, onQueued: () => void): () => void;
  /** Pruning bookkeeping: a connect is held (no pruning) / was answered (the clock starts). */
  connectOpened(clientId: string): void;
  connectClosed(clientId: string): void;
  listen(pattern: string, listener: ChannelListener): () => void;
  setPersistent(channel: string, persistent: boolean): void;
  stats(): EngineStats;
  close(): Promise<void>;
}
