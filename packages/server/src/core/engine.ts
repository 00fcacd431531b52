/**
 * The multi-node seam (SPEC: ENG-*). Everything about sessions, subscriptions, routing and
 * per-session queues lives behind this interface; the protocol core and the transports keep no
 * session state of their own. The in-memory engine is the default; a Redis engine implements the
 * same interface so several processes can share one set of sessions.
 */
import type { Message } from '@kuiper/protocol';
import { createLogger } from './log.js';
import type { SessionInfo } from './security.js';

const log = createLogger('engine');

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

/** Why a channel lost its last subscriber: an unsubscribe (or an undone subscribe), or its session went. */
export type VacateReason = 'unsubscribe' | RemovalReason;

/**
 * Cluster-wide lifecycle (SPEC: LIFE-*). Unlike `EngineEvent`s, which a node emits for changes it
 * made, every node is told of these, wherever the change happened (`local` is true on that node).
 * `channel` is a subscription as made (a wildcard subscription is its own channel: it never occupies
 * the channels it matches); `data` is what the security policy attached to the session.
 */
export type LifecycleEvent =
  | { type: 'occupied'; channel: string; clientId: string; data: unknown; local: boolean }
  | { type: 'vacated'; channel: string; clientId: string; data: unknown; reason: VacateReason; local: boolean }
  | { type: 'removed'; clientId: string; data: unknown; reason: RemovalReason; local: boolean };

/** What `subscribe` did: false (no such session), `added`, or `present` (it was subscribed already). */
export type SubscribeResult = false | 'added' | 'present';

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
  /**
   * [LIFE-1..4] Told of every lifecycle event once, on every node. Events a node's own operation
   * caused (`local`) are awaited, in order, before that operation resolves: `subscribe` rejects
   * (after undoing the subscription) when an `occupied` handler rejects; other rejections are the
   * handler's to report. Remote events are handed over as their notification arrives.
   */
  onLifecycle?: (event: LifecycleEvent) => Promise<void> | void;
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
  /**
   * The session and its data, or undefined if unknown. The data never changes during a session's
   * life, so a shared engine may answer from a per-node cache (dropped when the session is removed):
   * a caller that must know the session still exists asks `hasSession` too.
   */
  session(clientId: string): Promise<SessionInfo | undefined>;
  /**
   * [LIFE-5] The sessions subscribed to exactly `channel` (a wildcard subscriber of `/rooms/**` is
   * not one of `/rooms/a`'s), with their data; the same answer on every node.
   */
  subscribers(channel: string): Promise<SessionInfo[]>;
  hasChannel(channel: string): Promise<boolean>;
  subscriptionCount(clientId: string): Promise<number>;
  /** Removes a session, its subscriptions and queue. Returns false when it was not there. */
  destroySession(clientId: string, reason: RemovalReason): Promise<boolean>;
  /**
   * False when the session is unknown. The first subscriber of a channel (decided atomically, once in
   * the cluster) makes an `occupied` event, awaited before this resolves (LIFE-2).
   */
  subscribe(clientId: string, pattern: string): Promise<SubscribeResult>;
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
   * [ENG-7] Optional: `take` answered at once, for an engine that holds its queues in this process
   * (the memory engine). A session's flow uses it when none of its asynchronous takes is in flight,
   * so a streamed delivery costs no promise and no microtask (two promises and an async frame per
   * session per turn were ~480 bytes a delivery, a fifth of what the server allocated in the
   * editors case).
   */
  takeNow?(clientId: string): Message[];
  /**
   * Puts a session in ack mode (cometd's ack extension, negotiated at handshake): from then on its
   * deliveries go only with connect replies, as numbered batches kept until acknowledged.
   */
  setAck(clientId: string, enabled: boolean): Promise<void>;
  /**
   * How the session's deliveries leave, with what ack mode needs to know; asked once per connect,
   * with the batch the connect says it received (`ext.ack`) when it names one: an engine whose node
   * takes the session over from another one starts it there (ENG-STREAM-9).
   */
  deliveryMode(clientId: string, acked?: number): Promise<DeliveryMode>;
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
  /**
   * [ENG-5] Optional: removes `onQueued` if it is still the session's watcher (a later watcher stays).
   * A caller that watches for long (a session's flow) then keeps no cancel function per session.
   */
  unwatch?(clientId: string, onQueued: () => void): void;
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

/**
 * [LIFE-2] Hands the events one operation caused on this node to the handler, one after another:
 * an `occupied` handler's rejection is thrown (the caller undoes the subscribe); a rejection for
 * the others is logged (a session that went, or a channel left, cannot be undone).
 */
export async function settleLifecycle(options: EngineOptions | undefined, events: readonly LifecycleEvent[]): Promise<void> {
  const handler = options?.onLifecycle;
  if (!handler) return;
  for (const event of events) {
    try {
      await handler(event);
    } catch (err) {
      if (event.type === 'occupied') throw err;
      log.warn(`${event.type} handler failed`, err);
    }
  }
}

/** [LIFE-2] A new subscription's events; when an occupied handler throws, `undo` runs and the error goes on. */
export async function settleSubscribe(
  options: EngineOptions | undefined,
  events: readonly LifecycleEvent[],
  undo: () => Promise<unknown>,
): Promise<'added'> {
  try {
    await settleLifecycle(options, events);
  } catch (err) {
    await undo();
    throw err;
  }
  return 'added';
}
