/**
 * The memory engine's channels: each channel's subscribers and server-side listeners, made when a
 * channel is first used (with its parents, as in CometD's channel tree) and swept once nobody uses it.
 */
import { parentChannel, type Message } from '@kuiper/protocol';
import type { ChannelListener, EngineEvent } from '../../core/engine.js';
import { type SmallSet, smallSize } from './small-set.js';

export interface ChannelState {
  /** The channel's name as first seen: each subscriber's session keeps this string, not a copy of its own. */
  readonly name: string;
  /** Session ids: none, one, or a Set (small-set.ts), made as subscribers come. */
  subscribers: SmallSet;
  /**
   * Server-side listeners: none, one, or a Set past one (most channels never have one, a room's
   * relay channel has one, and a Set of one is ~160 bytes; `eachListener` reads every form).
   */
  listeners: ChannelListener | Set<ChannelListener> | undefined;
  persistent: boolean;
}

/**
 * The state of every channel that exists only as a parent (`/rooms/<id>` of a room's channels): no
 * subscriber, listener or persistence of its own, so one shared frozen state for all, where each
 * kept an object (56 bytes in every idle room, LIMIT-10). `ensure` replaces it with the channel's
 * own state before anyone changes one; readers (`get`) find it empty. Its name is not the channel's:
 * only `ensure`'s states are named.
 */
const BARE: ChannelState = Object.freeze({ name: '', subscribers: undefined, listeners: undefined, persistent: false });

function listenerCount(listeners: ChannelState['listeners']): number {
  return listeners === undefined ? 0 : typeof listeners === 'function' ? 1 : listeners.size;
}

/** Calls each of a channel's listeners with `message`; one that throws does not stop the others. */
export function eachListener(listeners: ChannelState['listeners'], message: Message): void {
  if (listeners === undefined) return;
  if (typeof listeners === 'function') return callListener(listeners, message);
  for (const listener of listeners) callListener(listener, message);
}

function callListener(listener: ChannelListener, message: Message): void {
  try {
    listener(message);
  } catch {
    // A server-side listener's bug must not stop delivery to anyone else.
  }
}

export class ChannelTable {
  private readonly channels = new Map<string, ChannelState>();

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  get size(): number {
    return this.channels.size;
  }

  get(name: string): ChannelState | undefined {
    return this.channels.get(name);
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  /** The channel's own state, to change, made (and its parents') if it is new. */
  ensure(name: string): ChannelState {
    const state = this.channels.get(name);
    if (state !== undefined && state !== BARE) return state;
    const own: ChannelState = { name, subscribers: undefined, listeners: undefined, persistent: false };
    this.channels.set(name, own);
    if (state === undefined) this.added(name);
    return own;
  }

  /** Tells of a new channel and makes its parents, bare, if they are new. */
  private added(name: string): void {
    this.emit({ type: 'channel:added', channel: name });
    // Parents exist while a child does, as in CometD's channel tree; they are swept after it.
    const parent = parentChannel(name);
    if (parent === undefined || this.channels.has(parent)) return;
    this.channels.set(parent, BARE);
    this.added(parent);
  }

  listen(pattern: string, listener: ChannelListener): () => void {
    const state = this.ensure(pattern);
    const had = state.listeners;
    // The same listener twice is still one, as a Set would keep it.
    state.listeners = had === undefined || had === listener ? listener : typeof had === 'function' ? new Set([had, listener]) : had.add(listener);
    return () => {
      const now = this.channels.get(pattern);
      if (!now) return;
      if (now.listeners === listener) now.listeners = undefined;
      else if (typeof now.listeners === 'object') now.listeners.delete(listener);
    };
  }

  /** Removes the channels nobody subscribes to or listens on, that are not persistent and have no child. */
  sweep(): void {
    const parents = new Set<string>();
    for (const name of this.channels.keys()) {
      const parent = parentChannel(name);
      if (parent !== undefined) parents.add(parent);
    }
    // Deepest first, so a chain `/a/b/c` → `/a/b` → `/a` goes in one sweep.
    const names = [...this.channels.keys()].sort((a, b) => b.length - a.length);
    for (const name of names) {
      const state = this.channels.get(name);
      if (!state || state.persistent || smallSize(state.subscribers) > 0 || listenerCount(state.listeners) > 0) continue;
      if (parents.has(name)) continue;
      this.channels.delete(name);
      this.emit({ type: 'channel:removed', channel: name });
      const parent = parentChannel(name);
      if (parent === undefined) continue;
      // The parent stays a parent only while some other child remains.
      const stillParent = [...this.channels.keys()].some((n) => parentChannel(n) === parent);
      if (!stillParent) parents.delete(parent);
    }
  }

  clear(): void {
    this.channels.clear();
  }
}
