/**
 * The node-local side of the Redis engine's one notification channel (SPEC: REDIS-2, REDIS-3):
 * this node's watchers (claimed and checked with the WATCH script, let go when another node's
 * claim wins) and server-side listeners, and the parsing of `<prefix>wake` messages.
 * Each node subscribes once; a notification names the sessions to wake, so a publish to a thousand
 * sessions is one message, not a thousand.
 */
import { matchingPatterns, type Message } from '@kuiper/protocol';
import { decodeStored } from '../../core/codec.js';
import type { ChannelListener } from '../../core/engine.js';
import { createLogger } from '../../core/log.js';
import type { RedisLink } from './link.js';
import { WATCH } from './scripts.js';

const log = createLogger('redis');

export interface Notification {
  /** The node whose script sent it. */
  origin: string;
  /** Sessions whose queue went from empty to non-empty. */
  wake: string[];
  /** Sessions removed (their watchers learn it, and answer 402). */
  removed: string[];
  /** Sessions now watched by `origin`, as 'id/node' (the node that watched it before): other nodes stop taking for them. */
  moved: string[];
  /** Lifecycle entries (LIFE-*) as JSON, or ''. */
  life: string;
  /** The published message (JSON), when some node listens to a matching pattern; else ''. */
  message: string;
}

const ids = (field: string): string[] => (field === '' ? [] : field.split(' '));

/** `origin\nwake\nremoved\nmoved\nlife\nmessage`; undefined for anything else. */
export function parseNotification(text: string): Notification | undefined {
  const cuts: number[] = [];
  for (let at = -1, i = 0; i < 5; i++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return undefined;
    cuts.push(at);
  }
  const [a, b, c, d, e] = cuts as [number, number, number, number, number];
  return {
    origin: text.slice(0, a),
    wake: ids(text.slice(a + 1, b)),
    removed: ids(text.slice(b + 1, c)),
    moved: ids(text.slice(c + 1, d)),
    life: text.slice(d + 1, e),
    message: text.slice(e + 1),
  };
}

export class WakeBus {
  /** One watcher per session on this node (and, through `moved`, in the cluster). */
  readonly watchers = new Map<string, () => void>();
  readonly listeners = new Map<string, Set<ChannelListener>>();
  /** [LIFE-1] Told of the lifecycle entries other nodes' scripts published (this node's come back from its scripts). */
  onLifecycle: ((json: string) => void) | undefined;
  /** Stream engine: told before a session's watcher that its `deliver()` queue became non-empty. */
  onWake: ((clientId: string) => void) | undefined;
  /** Stream engine: a session's subscriptions changed ('+id' in the wake list, ENG-STREAM-4). */
  onResub: ((clientId: string) => void) | undefined;
  /** Stream engine: `node` claimed a session from `from` (what this node holds for it goes). */
  onMoved: ((clientId: string, node: string, from: string) => void) | undefined;

  constructor(
    private readonly nodeId: string,
    private readonly link: RedisLink,
    /** Told of every session removed anywhere (to drop what this node caches about it). */
    private readonly onRemoved: (clientId: string) => void,
  ) {}

  handle(text: string): void {
    const note = parseNotification(text);
    if (!note) return;
    // Another node claimed these sessions: unless this node claimed again since, it lets go.
    if (note.origin !== this.nodeId) {
      for (const item of note.moved) {
        const cut = item.lastIndexOf('/');
        const id = cut < 0 ? item : item.slice(0, cut);
        this.onMoved?.(id, note.origin, cut < 0 ? '' : item.slice(cut + 1));
        if (this.watchers.has(id)) this.letGo(id);
      }
    }
    for (const id of note.removed) {
      this.onRemoved(id);
      const watcher = this.watchers.get(id);
      this.watchers.delete(id);
      this.call(watcher);
    }
    for (const id of note.wake) {
      if (id.startsWith('+')) {
        this.onResub?.(id.slice(1));
        continue;
      }
      this.onWake?.(id);
      this.call(this.watchers.get(id));
    }
    if (note.life && note.origin !== this.nodeId) this.onLifecycle?.(note.life);
    // [REDIS-3] The publishing node called its own listeners directly.
    if (note.message && note.origin !== this.nodeId && this.listeners.size > 0) {
      this.callListeners(decodeStored(note.message));
    }
  }

  /**
   * Another node claimed a session watched here. The last claim wins (the `w` field), so a claim
   * made here after theirs keeps the watcher; otherwise it goes, without being called, and this
   * node takes nothing more for that session (a half-open socket here must not steal deliveries).
   */
  private letGo(clientId: string): void {
    const watcher = this.watchers.get(clientId);
    this.link
      .watcherOf(clientId)
      .then((owner) => {
        if (owner !== this.nodeId && this.watchers.get(clientId) === watcher) this.watchers.delete(clientId);
      })
      .catch((err: unknown) => log.warn('watch check failed', err));
  }

  /** Calls the session's watcher if its queue is non-empty or the session is gone; `claim` makes this node its watcher. */
  peek(clientId: string, claim: boolean): void {
    this.link
      .run(WATCH, [this.nodeId, clientId, claim ? '1' : '0'])
      .then((r) => {
        const n = Number(r);
        const watcher = this.watchers.get(clientId);
        if (n === -1) this.watchers.delete(clientId);
        if (n !== 0) this.call(watcher);
      })
      .catch((err: unknown) => log.warn('peek failed', err));
  }

  call(watcher: (() => void) | undefined): void {
    if (!watcher) return;
    try {
      watcher();
    } catch (err) {
      log.error('watcher failed', err);
    }
  }

  callListeners(message: Message): void {
    for (const pattern of matchingPatterns(message.channel)) {
      const set = this.listeners.get(pattern);
      if (!set) continue;
      for (const listener of set) {
        try {
          listener(message);
        } catch {
          // A server-side listener's bug must not stop delivery to anyone else.
        }
      }
    }
  }

  clear(): void {
    this.watchers.clear();
    this.listeners.clear();
  }
}
