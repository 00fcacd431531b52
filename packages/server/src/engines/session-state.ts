/**
 * What the memory engine keeps per session and per channel, and how any engine names a new
 * session (`newClientId`, used by the Redis engine too).
 */
import { randomBytes } from 'node:crypto';
import type { Message } from '@kuiper/protocol';
import type { AckBatch, ChannelListener } from '../core/engine.js';

export interface SessionState {
  readonly id: string;
  /** Read and changed through the functions below. */
  subscriptions: Subscriptions;
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
  /** The channel's name as first seen: each subscriber's session keeps this string, not a copy of its own. */
  readonly name: string;
  readonly subscribers: Set<string>;
  /** Server-side listeners: made on the first (most channels never have one; an empty Set is 152 bytes). */
  listeners: Set<ChannelListener> | undefined;
  persistent: boolean;
}

/**
 * A session's subscription patterns: none, one (an idle client's usual case, where a Set would
 * cost 152 bytes of heap for one string), or a Set once there are two.
 */
export type Subscriptions = undefined | string | Set<string>;

export function subscriptionCount(session: SessionState): number {
  const subs = session.subscriptions;
  return subs === undefined ? 0 : typeof subs === 'string' ? 1 : subs.size;
}

export function subscriptionsOf(session: SessionState): Iterable<string> {
  const subs = session.subscriptions;
  return subs === undefined ? [] : typeof subs === 'string' ? [subs] : subs;
}

export function addSubscription(session: SessionState, pattern: string): void {
  const subs = session.subscriptions;
  if (subs === undefined) session.subscriptions = pattern;
  else if (typeof subs !== 'string') subs.add(pattern);
  else if (subs !== pattern) session.subscriptions = new Set([subs, pattern]);
}

/** Whether the session had the pattern. */
export function removeSubscription(session: SessionState, pattern: string): boolean {
  const subs = session.subscriptions;
  if (subs === pattern) {
    session.subscriptions = undefined;
    return true;
  }
  return typeof subs === 'object' && subs.delete(pattern);
}

/** 160 random bits, base36: more than the 128 the spec asks for, and URL-safe. */
export function newClientId(): string {
  const bytes = randomBytes(20);
  return BigInt(`0x${bytes.toString('hex')}`).toString(36);
}
