/**
 * [ENG-STREAM-1][ENG-STREAM-4] This node's pub/sub subscriptions to streams: one per pattern that a
 * session attached here follows, however many sessions follow it, dropped when the last one goes.
 */
import { createLogger } from '../../core/log.js';
import type { RedisLink } from './link.js';

const log = createLogger('redis');

export class Feeds {
  private readonly followers = new Map<string, Set<string>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(private readonly link: RedisLink) {}

  /** The pub/sub channel of `pattern`'s stream (its keys' hash tag, ENG-STREAM-3: SSUBSCRIBE on its shard, REDIS-10). */
  channel(pattern: string): string {
    return `${this.link.streamBase(pattern)}:p`;
  }

  /** The pattern whose stream `channel` is, or undefined. */
  patternOf(channel: string): string | undefined {
    const head = `${this.link.prefix}{c:`;
    return channel.startsWith(head) && channel.endsWith('}:p') ? channel.slice(head.length, -3) : undefined;
  }

  /** The sessions attached here that follow `pattern`. */
  of(pattern: string): ReadonlySet<string> | undefined {
    return this.followers.get(pattern);
  }

  join(pattern: string, clientId: string): void {
    let ids = this.followers.get(pattern);
    if (!ids) {
      this.followers.set(pattern, (ids = new Set()));
      this.subscribed.set(pattern, this.link.subscribe(this.channel(pattern)).catch((err: unknown) => log.warn('feed subscribe failed', err)));
    }
    ids.add(clientId);
  }

  leave(pattern: string, clientId: string): void {
    const ids = this.followers.get(pattern);
    if (!ids?.delete(clientId) || ids.size > 0) return;
    this.followers.delete(pattern);
    this.subscribed.delete(pattern);
    this.link.unsubscribe(this.channel(pattern)).catch((err: unknown) => log.warn('feed unsubscribe failed', err));
  }

  /**
   * [ENG-STREAM-11] On a Redis Cluster, tells the nodes following `pattern`'s stream that `clientId`
   * left it through `node`, on the stream's own pub/sub channel: the session's node gets it before
   * any publish appended after (one master, one connection), while the control slot's '+id' notice
   * comes from another master, maybe later. A failure is logged: that notice still comes.
   */
  async left(pattern: string, clientId: string, node: string): Promise<void> {
    await this.link.publish(this.channel(pattern), `+${node} ${clientId}`).catch((err: unknown) => log.warn('leave notice failed', err));
  }

  /** Resolves once this node is subscribed to every one of `patterns`' streams. */
  async ready(patterns: readonly string[]): Promise<void> {
    await Promise.all(patterns.map((p) => this.subscribed.get(p)));
  }

  clear(): void {
    this.followers.clear();
    this.subscribed.clear();
  }
}

/** A `left` notice's node and session; undefined for a publish (whose epoch never starts with '+'). */
export function parseLeft(text: string): { node: string; clientId: string } | undefined {
  const space = text.indexOf(' ');
  return text.startsWith('+') && space > 0 ? { node: text.slice(1, space), clientId: text.slice(space + 1) } : undefined;
}
