/**
 * What the memory engine keeps per session and per channel, and how any engine names a new
 * session (`newClientId`, used by the Redis engine too).
 */
import { randomBytes } from 'node:crypto';
import type { Message } from '@kuiper/protocol';
import type { AckBatch, ChannelListener } from '../core/engine.js';

export interface SessionState {
  readonly id: string;
  readonly subscriptions: Set<string>;
  queue: Message[];
  /** Serialised size of `queue`, for the byte bound. */
  queueBytes: number;
  data: unknown;
  /** Ack mode: the next batch number and the batches sent but not yet acknowledged. */
  ack: { next: number; unacked: AckBatch | undefined } | undefined;
  watcher: (() => void) | undefined;
  /** Held connects in flight; a session with one is never pruned. */
  connects: number;
  /** When the last connect reply went out (or the handshake, before any connect). */
  lastSeen: number;
}

export interface ChannelState {
  readonly subscribers: Set<string>;
  readonly listeners: Set<ChannelListener>;
  persistent: boolean;
}

/** 160 random bits, base36: more than the 128 the spec asks for, and URL-safe. */
export function newClientId(): string {
  const bytes = randomBytes(20);
  return BigInt(`0x${bytes.toString('hex')}`).toString(36);
}
