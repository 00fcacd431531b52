/**
 * What the memory engine keeps per session (its channels: memory/channel-table.ts), and how any
 * engine names a new session (`newClientId`, used by the Redis engine too).
 */
import { randomFillSync } from 'node:crypto';
import type { Message } from '@kuiper/protocol';
import type { AckBatch } from '../core/engine.js';
import { type SmallSet, smallAdd, smallDelete, smallHas, smallSize, smallValues } from './memory/small-set.js';

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
  /**
   * When the last connect reply went out (or the handshake, before any connect), in `sinceStart`
   * milliseconds: a small integer kept in the record, where a `Date.now()` took a number box of its own.
   */
  lastSeen: number;
}

/** A session's subscription patterns: none, one (an idle client's usual case), or a Set once there are two. */
export type Subscriptions = SmallSet;

export function subscriptionCount(session: SessionState): number {
  return smallSize(session.subscriptions);
}

export function subscriptionsOf(session: SessionState): Iterable<string> {
  return smallValues(session.subscriptions);
}

export function addSubscription(session: SessionState, pattern: string): void {
  session.subscriptions = smallAdd(session.subscriptions, pattern);
}

/** Whether the session had the pattern. */
export function removeSubscription(session: SessionState, pattern: string): boolean {
  if (!smallHas(session.subscriptions, pattern)) return false;
  session.subscriptions = smallDelete(session.subscriptions, pattern);
  return true;
}

/** When this module loaded: `sinceStart` counts from here. */
const EPOCH = Date.now();

/**
 * Milliseconds from EPOCH to `now` (a `Date.now()`), as a small integer (24 days' worth): `Math.floor`
 * makes the difference one again, where a bare subtraction stays a boxed double.
 */
export function sinceStart(now: number): number {
  return Math.floor(now - EPOCH);
}

/** [LIMIT-12] The channel of the notice that tells a session which of its messages were dropped. */
export const UNRECOVERED_CHANNEL = '/service/kuiper/unrecovered';

/**
 * [LIMIT-12] The channels whose messages a full queue dropped (drop-oldest), per session, since the
 * session last took its queue: one overflow episode. Kept beside the sessions, not in them, so the
 * sessions that never overflow (nearly all) carry nothing for it.
 */
export class OverflowLosses {
  private readonly lost = new Map<string, Set<string>>();

  add(clientId: string, channel: string): void {
    let channels = this.lost.get(clientId);
    if (!channels) this.lost.set(clientId, (channels = new Set()));
    channels.add(channel);
  }

  /** The episode's one notice (the channels in the order their first message was dropped), and it ends. */
  take(clientId: string): Message | undefined {
    const channels = this.lost.get(clientId);
    if (!channels) return undefined;
    this.lost.delete(clientId);
    return { channel: UNRECOVERED_CHANNEL, data: { channels: [...channels], reason: 'overflow' } };
  }

  has(clientId: string): boolean {
    return this.lost.has(clientId);
  }

  forget(clientId: string): void {
    this.lost.delete(clientId);
  }
}

/** Bytes per clientId: 160 random bits, more than the 128 the spec asks for. */
const ID_BYTES = 20;

/**
 * Random bytes for 256 clientIds, refilled from the CSPRNG when used up (as node's own
 * `randomUUID` batches): `randomBytes` per handshake made a native backing store each, malloc'd
 * and freed between the long-lived allocations of the sockets connecting in the same burst, which
 * left the process's malloc heap fragmented (idle-prune bench: 1.4 against 1.1 KiB of malloc'd
 * RSS per idle session, median of three alternating runs).
 */
const pool = Buffer.alloc(ID_BYTES * 256);
let poolAt = pool.length;

/** A new session's id: 160 random bits in base36, URL-safe. */
export function newClientId(): string {
  if (poolAt + ID_BYTES > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, (poolAt += ID_BYTES));
  return BigInt(`0x${hex}`).toString(36);
}
