/**
 * The multi-node seam (SPEC: ENG-*). Everything about sessions, subscriptions, routing and
 * per-session queues lives behind this interface; the protocol core and the transports keep no
 * session state of their own. The in-memory engine is the default; a Redis engine implements the
 * same interface so several processes can share one set of sessions.
 */
import type { Message } from '@kuiper/protocol';

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

/**
 * `stream`: deliveries are taken as they are queued (the connection carries them, or the next
 * connect reply does). `ack`: only with connect replies, in numbered batches; `unacked` is the
 * batch sent and not yet acknowledged, if any (a connect acknowledging less lost it, ACK-4).
 */
export type DeliveryMode = { readonly ack: false } | { readonly ack: true; readonly unacked: number | undefined };

/** The mode of every session not in ack mode: one frozen object, nothing allocated per connect. */
export const STREAMED: DeliveryMode = Object.freeze({ ack: false });

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
  hasChannel(channel: string): Promise<boolean>;
  subscriptionCount(clientId: string): Promise<number>;
  /** Removes a session, its subscriptions and queue. Returns false when it was not there. */
  destroySession(clientId: string, reason: RemovalReason): Promise<boolean>;
  /** Returns false when the session is unknown. */
  subscribe(clientId: string, pattern: string): Promise<boolean>;
  unsubscribe(clientId: string, pattern: string): Promise<boolean>;
  /** Routes a delivery copy to every matching session once, and to server-side listeners. */
  publish(message: Message): Promise<number>;
  /** Queues messages for one session only (service answers, server pushes). */
  deliver(clientId: string, messages: Message[]): Promise<boolean>;
  /**
   * Takes everything queued for a session, oldest first. Takes of one session issued on one node
   * resolve in the order they were issued, so a consumer that writes each result as soon as it
   * resolves keeps queue order.
   */
  take(clientId: string): Promise<Message[]>;
  /**
   * Puts a session in ack mode (cometd's ack extension, negotiated at handshake): from then on its
   * deliveries go only with connect replies, as numbered batches kept until acknowledged.
   */
  setAck(clientId: string, enabled: boolean): Promise<void>;
  /** How the session's deliveries leave, with what ack mode needs to know; asked once per connect. */
  deliveryMode(clientId: string): Promise<DeliveryMode>;
  /**
   * Ack mode's take: forgets batches up to `acked`, and returns everything not yet acknowledged
   * (older batches first, then newly queued messages) as one new batch.
   */
  takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch>;
  /**
   * One watcher per session on this node, told when its queue goes from empty to non-empty (a
   * message queued on any node) and when the session is removed; told at once if the queue is
   * already non-empty or the session unknown. A spurious call is harmless: the watcher takes.
   */
  watch(clientId: string, onQueued: () => void): () => void;
  /** Pruning bookkeeping: a connect is held (no pruning) / was answered (the clock starts). */
  connectOpened(clientId: string): void;
  connectClosed(clientId: string): void;
  listen(pattern: string, listener: ChannelListener): () => void;
  setPersistent(channel: string, persistent: boolean): void;
  /** Counts; a shared engine may answer from a snapshot refreshed every sweep. */
  stats(): EngineStats;
  /**
   * Resolves when the engine can serve (connected, listening for notifications from other nodes)
   * and everything this node wrote before the call (e.g. a `listen`) is applied. Optional.
   */
  ready?(): Promise<void>;
  close(): Promise<void>;
}
