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
 * The state `get` gives a channel that exists only as a parent (`/rooms/<id>` of a room's channels):
 * no subscriber, listener or persistence of its own. The table keeps such a channel as its number
 * of children, not an object (56 bytes in every idle room, LIMIT-10), and `ensure` gives it a state
 * of its own before anyone changes one. Its name is not the channel's: only `ensure`'s are named.
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
  /** Each channel: its state, or, for one that is only a parent, how many children it has. */
  private readonly channels = new Map<string, ChannelState | number>();
  /** How many children each channel with a state of its own has, if any: a parent goes only once none is left. */
  private readonly kids = new Map<string, number>();
  /**
   * [SWEEP-1] Channels that may have become unused since the last sweep (made, left by their last
   * subscriber or listener, no longer persistent): the sweep looks at these only, never at every
   * channel (with 300,000 channels a sweep that did took ~80 ms every period, and ~19 s when 1,000
   * rooms left at once: it searched every channel for another child of each parent it removed).
   */
  private readonly candidates = new Set<string>();

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  get size(): number {
    return this.channels.size;
  }

  get(name: string): ChannelState | undefined {
    const state = this.channels.get(name);
    return typeof state === 'number' ? BARE : state;
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  /** The channel's own state, to change, made (and its parents') if it is new. */
  ensure(name: string): ChannelState {
    const state = this.channels.get(name);
    if (typeof state === 'object') return state;
    const own: ChannelState = { name, subscribers: undefined, listeners: undefined, persistent: false };
    this.channels.set(name, own);
    if (typeof state === 'number') {
      if (state > 0) this.kids.set(name, state);
    } else {
      this.added(name);
      this.candidates.add(name);
    }
    return own;
  }

  /** [SWEEP-1] The channel may be unused now (its last subscriber left, it is no longer persistent): the next sweep looks. */
  mayBeUnused(name: string): void {
    this.candidates.add(name);
  }

  /** Tells of a new channel and makes its parents, bare, if they are new. */
  private added(name: string): void {
    this.emit({ type: 'channel:added', channel: name });
    // Parents exist while a child does, as in CometD's channel tree; they are swept after it.
    const parent = parentChannel(name);
    if (parent === undefined) return;
    const state = this.channels.get(parent);
    if (typeof state === 'object') this.kids.set(parent, (this.kids.get(parent) ?? 0) + 1);
    else this.channels.set(parent, (state ?? 0) + 1);
    if (state === undefined) this.added(parent);
  }

  /** How many children the channel has. */
  private kidsOf(name: string): number {
    const state = this.channels.get(name);
    return typeof state === 'number' ? state : (this.kids.get(name) ?? 0);
  }

  /** One child of `parent` went: true when it has none left (it may be unused now). */
  private childGone(parent: string): boolean {
    const state = this.channels.get(parent);
    if (typeof state === 'number') {
      this.channels.set(parent, Math.max(0, state - 1));
      return state <= 1;
    }
    const left = (this.kids.get(parent) ?? 1) - 1;
    if (left > 0) this.kids.set(parent, left);
    else this.kids.delete(parent);
    return left <= 0;
  }

  listen(pattern: string, listener: ChannelListener): () => void {
    const state = this.ensure(pattern);
    const had = state.listeners;
    // The same listener twice is still one, as a Set would keep it.
    state.listeners = had === undefined || had === listener ? listener : typeof had === 'function' ? new Set([had, listener]) : had.add(listener);
    return () => {
      const now = this.channels.get(pattern);
      if (typeof now !== 'object') return;
      if (now.listeners === listener) now.listeners = undefined;
      else if (typeof now.listeners === 'object') now.listeners.delete(listener);
      this.candidates.add(pattern);
    };
  }

  /** Removes the channels nobody subscribes to or listens on, that are not persistent and have no child. */
  sweep(): void {
    if (this.candidates.size === 0) return;
    // Deepest first, so a chain `/a/b/c` → `/a/b` → `/a` goes in one sweep: a parent whose last
    // child goes is looked at after it.
    const names = [...this.candidates].sort((a, b) => b.length - a.length);
    this.candidates.clear();
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const state = this.get(name);
      if (!state || state.persistent || smallSize(state.subscribers) > 0 || listenerCount(state.listeners) > 0) continue;
      if (this.kidsOf(name) > 0) continue;
      this.channels.delete(name);
      this.kids.delete(name);
      this.emit({ type: 'channel:removed', channel: name });
      const parent = parentChannel(name);
      if (parent !== undefined && this.childGone(parent)) names.push(parent);
    }
  }

  clear(): void {
    this.channels.clear();
    this.kids.clear();
    this.candidates.clear();
  }
}
