/**
 * The client's own record of what it is subscribed to. It outlives server sessions: after a new
 * handshake every channel here is subscribed again. One server subscription per channel, however
 * many local handlers share it.
 */
import type { Message } from '@kuiper/protocol';
import { channelMatches } from './channel-name.js';

export type MessageHandler<T = unknown> = (data: T, message: Message) => void;

export interface Subscription {
  readonly channel: string;
  /** Settles with the server's answer to the (first) subscribe; rejects with its error. */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

export interface SubscriptionEntry {
  readonly channel: string;
  readonly handlers: Set<MessageHandler>;
  /** pending: to be sent; sent: awaiting the reply; acked: the server confirmed it. */
  state: 'pending' | 'sent' | 'acked';
  /** Counts subscribe requests, so a late answer to an older one is recognised and ignored. */
  sends: number;
  /** Settled by the first acknowledgement (or refusal) of this channel. */
  readonly ready: Promise<void>;
  resolveReady(): void;
  rejectReady(error: Error): void;
}

export class Subscriptions {
  private readonly entries = new Map<string, SubscriptionEntry>();

  get(channel: string): SubscriptionEntry | undefined {
    return this.entries.get(channel);
  }

  /** Adds a handler; `created` tells whether the channel is new and must be subscribed. */
  add(channel: string, handler: MessageHandler): { entry: SubscriptionEntry; created: boolean } {
    const existing = this.entries.get(channel);
    if (existing) {
      existing.handlers.add(handler);
      return { entry: existing, created: false };
    }
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Callers need not await `ready`; a refusal is also reported through onError.
    ready.catch(() => {});
    const entry: SubscriptionEntry = { channel, handlers: new Set([handler]), state: 'pending', sends: 0, ready, resolveReady, rejectReady };
    this.entries.set(channel, entry);
    return { entry, created: true };
  }

  /** Removes a handler; true when it was the channel's last one (the channel was dropped). */
  remove(channel: string, handler: MessageHandler): boolean {
    const entry = this.entries.get(channel);
    if (!entry || !entry.handlers.delete(handler)) return false;
    if (entry.handlers.size > 0) return false;
    this.entries.delete(channel);
    return true;
  }

  /**
   * The handle `subscribe()` returns: `unsubscribe()` removes this handler once, and when it was the
   * channel's last one settles `ready` and calls `onLastRemoved` (which tells the server).
   */
  handle(entry: SubscriptionEntry, handler: MessageHandler, onLastRemoved: () => void): Subscription {
    let active = true;
    return {
      channel: entry.channel,
      ready: entry.ready,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        if (!this.remove(entry.channel, handler)) return;
        entry.resolveReady(); // nothing left to wait for
        onLastRemoved();
      },
    };
  }

  drop(channel: string): void {
    this.entries.delete(channel);
  }

  all(): SubscriptionEntry[] {
    return [...this.entries.values()];
  }

  /** Handlers of every subscription that matches the channel, each subscription once. */
  matching(channel: string): MessageHandler[] {
    const handlers: MessageHandler[] = [];
    for (const entry of this.entries.values()) {
      if (!channelMatches(entry.channel, channel)) continue;
      for (const handler of entry.handlers) handlers.push(handler);
    }
    return handlers;
  }
}
