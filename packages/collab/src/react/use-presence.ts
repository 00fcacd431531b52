/**
 * Presence hooks [REACT-5]: this connection's state, the others', and a selector that re-renders
 * only when what it picks changes. The others' array is the core's own cached array (COLLAB-8), so
 * an unchanged room costs one reference comparison per render.
 */
import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import type { Room } from '../client/enter-room.js';
import type { PresenceEntry } from '../core/presence-state.js';
import { Listeners } from '../core/listeners.js';
import type { PresenceData } from '../protocol/messages.js';
import { useRoom } from './room-provider.js';
import { useStatusSnapshot } from './use-status.js';

const NO_OTHERS: readonly PresenceEntry[] = Object.freeze([]);
const NO_PRESENCE: PresenceData = Object.freeze({});
const never = (): (() => void) => () => undefined;

/** The core announces others' changes only; our own go through here so every hook reading them hears. */
const ownChanges = new WeakMap<Room, Listeners<void>>();
function ownListeners(room: Room): Listeners<void> {
  let listeners = ownChanges.get(room);
  if (!listeners) ownChanges.set(room, (listeners = new Listeners<void>()));
  return listeners;
}

/** Merges `patch` into this connection's presence (sent throttled, latest wins). */
export function useUpdateMyPresence(): (patch: PresenceData) => void {
  const room = useRoom();
  return useCallback(
    (patch: PresenceData) => {
      if (!room) return;
      room.presence.set(patch);
      ownListeners(room).emit();
    },
    [room],
  );
}

/** `[myPresence, update]`, like `useState`; `{}` until the room is entered. */
export function useMyPresence(): [PresenceData, (patch: PresenceData) => void] {
  const room = useRoom();
  const subscribe = useCallback((onChange: () => void) => (room ? ownListeners(room).subscribe(onChange) : never()), [room]);
  const get = useCallback(() => (room ? room.presence.get() : NO_PRESENCE), [room]);
  const mine = useSyncExternalStore(subscribe, get, () => NO_PRESENCE);
  return [mine, useUpdateMyPresence()];
}

/** Shallow equality of arrays and plain objects: a selector that builds a new array each time stays quiet when its items are the same. */
export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function useOthers(): readonly PresenceEntry[];
export function useOthers<S>(selector: (others: readonly PresenceEntry[]) => S, isEqual?: (a: S, b: S) => boolean): S;
/**
 * The other connections in the room. With a selector, the component re-renders only when the
 * selected value changes by `isEqual` (default `Object.is`; `shallowEqual` for derived arrays).
 */
export function useOthers<S>(selector?: (others: readonly PresenceEntry[]) => S, isEqual: (a: S, b: S) => boolean = Object.is): S {
  const room = useRoom();
  const equalRef = useRef(isEqual);
  equalRef.current = isEqual;
  // Memoised on the others' array and the selector: the snapshot is stable between changes, and an
  // inline selector (new each render) is re-run once per render, its result kept while equal.
  const memo = useRef<{ others: readonly PresenceEntry[]; selector: typeof selector; selected: S } | undefined>(undefined);
  const subscribe = useCallback((onChange: () => void) => (room ? room.presence.subscribe(() => onChange()) : never()), [room]);
  const select = useCallback(
    (others: readonly PresenceEntry[]): S => {
      const cached = memo.current;
      if (cached && cached.others === others && cached.selector === selector) return cached.selected;
      const next = (selector ? selector(others) : others) as S;
      const selected = cached && equalRef.current(cached.selected, next) ? cached.selected : next;
      memo.current = { others, selector, selected };
      return selected;
    },
    [selector],
  );
  const get = useCallback(() => select(room ? room.presence.others() : NO_OTHERS), [room, select]);
  return useSyncExternalStore(subscribe, get, () => select(NO_OTHERS));
}

export interface Self {
  /** This connection's id (the client's session), undefined until connected. */
  readonly connection: string | undefined;
  readonly presence: PresenceData;
}

/** This connection: its id and its presence; the same object until either changes. */
export function useSelf(): Self {
  const { clientId } = useStatusSnapshot();
  const [presence] = useMyPresence();
  return useMemo(() => ({ connection: clientId, presence }), [clientId, presence]);
}
