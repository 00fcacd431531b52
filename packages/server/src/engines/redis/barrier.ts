/**
 * [ENG-STREAM-6][REDIS-10] A take must see every publish Redis ran before it, but publishes reach
 * this node on its subscriber connection, not with the publish's reply. A Redis server sends a
 * subscriber its messages in the order it ran the commands, so a token this node publishes to
 * itself arrives after everything that server published before it: once it is back, the feeds are
 * up to date. One Redis: one token per turn of takes, however many sessions take in it. A Redis
 * Cluster: streams live on every master, each with its own order, and this node has one sharded
 * subscriber connection per master, so a turn sends one token to each master holding a stream its
 * sessions follow here, on a channel in a slot that master serves, and waits for all of them: the
 * order holds per stream (per channel), and a take sees every publish to its streams that their
 * masters ran before the turn began. The control slot's master gets one too (the wake-ups of
 * `deliver()` queues come from there). O(masters involved) per turn, not O(masters).
 */
import type { Cluster } from 'ioredis';
import { keySlot } from './keyslot.js';
import type { RedisLink } from './link.js';

/** A subscriber connection that is away never brings the token back: the take goes on after this. */
const BARRIER_TIMEOUT_MS = 1000;

/** Where a turn's tokens go: channels this node is subscribed to, one per Redis server that publishes to the turn's streams. */
export interface BarrierRoute {
  channels(patterns: readonly string[]): Promise<string[]>;
  publish(channel: string, token: string): Promise<unknown>;
}

interface Waiting {
  token: number;
  channels: string[];
  finish(): void;
}

export class Barrier {
  private sent = 0;
  /** Per channel, the last token back. */
  private readonly back = new Map<string, number>();
  private readonly waiting = new Set<Waiting>();

  constructor(private readonly route: BarrierRoute) {}

  /** Resolves once every message published before the call to `patterns`' streams has reached this node (or after a timeout). */
  pass(patterns: readonly string[]): Promise<void> {
    const token = ++this.sent;
    return new Promise<void>((resolve) => {
      const w: Waiting = { token, channels: [], finish: () => undefined };
      const timer = setTimeout(() => w.finish(), BARRIER_TIMEOUT_MS);
      timer.unref();
      w.finish = () => {
        clearTimeout(timer);
        this.waiting.delete(w);
        resolve();
      };
      this.route.channels(patterns).then((channels) => {
        // No stream followed (or, on a cluster, no slot table yet): nothing published can be missed.
        if (channels.length === 0) return w.finish();
        w.channels = channels;
        this.waiting.add(w);
        for (const channel of channels) this.route.publish(channel, String(token)).catch(() => w.finish());
      }, w.finish);
    });
  }

  /** A token came back on `channel`: every turn whose tokens are all back is through. */
  arrived(channel: string, text: string): void {
    const token = Number(text);
    if (token > (this.back.get(channel) ?? 0)) this.back.set(channel, token);
    for (const w of [...this.waiting]) if (w.channels.every((c) => (this.back.get(c) ?? 0) >= w.token)) w.finish();
  }
}

/** One Redis: the node's own channel (subscribed at start). */
export function singleRoute(link: RedisLink, channel: string): BarrierRoute {
  return { channels: () => Promise.resolve([channel]), publish: (c, token) => link.publish(c, token) };
}

/**
 * A Redis Cluster: per master holding one of the streams, the channel `<prefix>{b<i>}:sync:<node>`
 * with the first i whose slot that master serves (the slot table as the client knows it),
 * subscribed the first time.
 */
export class ClusterRoute implements BarrierRoute {
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly tags = new Map<number, number>();

  constructor(
    private readonly link: RedisLink,
    private readonly nodeId: string,
  ) {}

  /** Whether `channel` is one of this node's barrier channels. */
  owns(channel: string): boolean {
    return this.subscribed.has(channel);
  }

  async channels(patterns: readonly string[]): Promise<string[]> {
    const slots = (this.link.cmd as Cluster).slots;
    // The control slot's master too: its notices (a deliver()'s wake-up) must be in before the take.
    const masters = new Set<string>();
    const control = slots[keySlot(this.link.ctl)]?.[0];
    if (control) masters.add(control);
    for (const pattern of patterns) {
      const master = slots[keySlot(this.link.streamBase(pattern))]?.[0];
      if (master) masters.add(master);
    }
    const out: string[] = [];
    for (let i = 0; masters.size > 0 && i < 10_000; i++) {
      const slot = this.tags.get(i) ?? keySlot(`{b${i}}`);
      this.tags.set(i, slot);
      const master = slots[slot]?.[0];
      if (master === undefined || !masters.delete(master)) continue;
      const channel = `${this.link.prefix}{b${i}}:sync:${this.nodeId}`;
      let ready = this.subscribed.get(channel);
      if (!ready) {
        this.subscribed.set(channel, (ready = this.link.subscribe(channel)));
        ready.catch(() => this.subscribed.delete(channel));
      }
      await ready;
      out.push(channel);
    }
    return out;
  }

  publish(channel: string, token: string): Promise<unknown> {
    return this.link.publish(channel, token);
  }
}
