/**
 * [COLLAB-49] Away: a member whose page has been hidden for a while (another tab, a minimised
 * window, a locked phone) or that no one has touched for longer says so in its presence,
 * `{ away: true }`, and `{ away: false }` the moment someone is back. The others can then show who
 * is really there — a name greyed in "Who is here" — instead of guessing from a cursor that stopped.
 * Slack and Teams do the same. It reads only the page's own signals (visibility, input); where there
 * is no page (Node, a server render) it does nothing.
 */
import { type Clock, type TimerHandle, systemClock } from '../core/clock.js';
import type { PresenceData } from '../protocol/messages.js';

export interface AwayOptions {
  /** A hidden page counts as away after this long (default 30 s: a glance at another tab is not leaving). */
  readonly hiddenMs?: number;
  /** A visible page with no input (pointer, keys, touch, wheel) counts as away after this long (default 5 minutes). */
  readonly idleMs?: number;
  readonly clock?: Clock;
}

export const DEFAULT_AWAY_HIDDEN_MS = 30_000;
export const DEFAULT_AWAY_IDLE_MS = 300_000;

/** What is needed of a room's presence: `room.presence` fits. */
export interface AwayPresence {
  get(): PresenceData;
  set(patch: PresenceData): void;
}

/** Whether a presence state says its member is away. */
export const isAway = (state: PresenceData): boolean => state['away'] === true;

const INPUT = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Keeps `presence`'s `away` up to date from this page's visibility and input; returns the function
 * that stops (and, if it had said away, says back).
 */
export function watchAway(presence: AwayPresence, options: AwayOptions = {}): () => void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc || typeof doc.addEventListener !== 'function') return () => undefined;
  const clock = options.clock ?? systemClock;
  const hiddenMs = options.hiddenMs ?? DEFAULT_AWAY_HIDDEN_MS;
  const idleMs = options.idleMs ?? DEFAULT_AWAY_IDLE_MS;
  if (!(hiddenMs >= 0) || !(idleMs >= 0)) throw new RangeError('watchAway: hiddenMs and idleMs are milliseconds, 0 or more');
  let timer: TimerHandle | undefined;
  let lastInput = 0; // input comes many times a second: the idle timer is restarted at most once a second

  const say = (away: boolean): void => {
    if (isAway(presence.get()) !== away) presence.set({ away });
  };
  const wait = (ms: number): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => say(true), ms);
  };
  const onVisibility = (): void => {
    if (doc.visibilityState === 'hidden') return wait(hiddenMs);
    say(false);
    wait(idleMs);
  };
  const onInput = (): void => {
    if (doc.visibilityState === 'hidden') return;
    say(false);
    const now = clock.now();
    if (now - lastInput < 1000 && timer !== undefined) return;
    lastInput = now;
    wait(idleMs);
  };

  doc.addEventListener('visibilitychange', onVisibility);
  for (const type of INPUT) doc.addEventListener(type, onInput, { passive: true, capture: true });
  onVisibility();
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    for (const type of INPUT) doc.removeEventListener(type, onInput, { capture: true });
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    say(false);
  };
}
