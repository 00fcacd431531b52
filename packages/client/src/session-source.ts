/**
 * What the client needs from whatever carries its Bayeux session. The one `KuiperClient`
 * (client.ts) is built on this interface; `Session` (session.ts) runs a real session over a
 * transport, and `TabSession` (shared/tab-session.ts) forwards to the tab that leads a shared
 * connection. Subscriptions, publishes, calls, typed channels and status exist once, above it.
 */
import type { Message } from '@kuiper/protocol';
import type { KuiperClientError } from './errors.js';
import type { StatusStore } from './status.js';

/** Where a response sits in the server's ack numbering (CLI-32): its batch and the ack sent for it. */
export interface BatchPosition {
  readonly batch: number;
  /** The `ext.ack` the connect that fetched this batch carried. */
  readonly acked: number;
}

export interface ConnectedInfo {
  /** Every subscription must be sent again: the server (or the leader tab) knows none of them. */
  readonly resync: boolean;
  /** The connection continued the same server session; false after a new handshake. */
  readonly resumed: boolean;
}

export interface SessionHooks {
  /**
   * [CLI-39] Optional: a handshake was accepted and the first connect is about to go. Requests made
   * now leave on the new session right away, ahead of that connect, so what waited (subscriptions,
   * queued publishes) does not wait a round trip more for the connect's answer.
   */
  onHandshook?(): void;
  /** A /meta/connect succeeded after a handshake or a failure: send whatever was waiting. */
  onConnected(info: ConnectedInfo): void;
  /** Deliveries of one response, in order, and replies that no request waits for. */
  onMessages(messages: readonly Message[], position: BatchPosition | undefined): void;
  /**
   * [CLI-36] Optional: resolves once the batch just handed to `onMessages` may be acknowledged to
   * the server. The session's next connect (which carries that acknowledgement) waits for it. A
   * shared connection's leader resolves it when its broadcast of the batch has come back over the
   * bus, so the server never forgets a batch that a tab taking over could still be missing.
   */
  acknowledgeable?(position: BatchPosition): Promise<void>;
  /** The session ended for good (refused handshake, advice "none", no transport). */
  onStopped(error: KuiperClientError): void;
  onInternalError(error: unknown): void;
}

export interface SessionSource {
  readonly status: StatusStore;
  readonly clientId: string | undefined;
  readonly connected: boolean;
  readonly isStopped: boolean;
  start(): void;
  /** A message id unique within this session (and across tabs sharing it). */
  newId(): string;
  /** Sends with the next batch (only while connected) and resolves with the reply. */
  request(message: Message, timeoutMs?: number): Promise<Message>;
  /** Requests made inside `fn` leave together. */
  batch(fn: () => void): void;
  disconnect(): Promise<void>;
}

export type SessionFactory = (hooks: SessionHooks) => SessionSource;
