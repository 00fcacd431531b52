/**
 * A set of strings kept as small as its usual contents: nothing, one string, a short array (up to
 * SMALL_MAX, replaced on every change, never grown in place), or a `Set` past that. A `Set` is
 * ~150 bytes of heap however few it holds, and the memory engine's sets are mostly tiny: an idle
 * session's subscriptions (one pattern; a room member's, a few), a room's channels (two members;
 * the parent and the relay channel none). The functions return the new value: the owner stores it.
 */
export type SmallSet = undefined | string | readonly string[] | Set<string>;

/** Past this many members a Set: looking through an array of four costs less than hashing. */
const SMALL_MAX = 4;

const NONE: readonly string[] = Object.freeze([]);

export function smallSize(set: SmallSet): number {
  if (set === undefined) return 0;
  if (typeof set === 'string') return 1;
  return set instanceof Set ? set.size : set.length;
}

export function smallHas(set: SmallSet, value: string): boolean {
  if (set === undefined || typeof set === 'string') return set === value;
  return set instanceof Set ? set.has(value) : set.includes(value);
}

export function smallValues(set: SmallSet): Iterable<string> {
  return set === undefined ? NONE : typeof set === 'string' ? [set] : set;
}

/** `set` with `value` in it (the same Set, grown, once there is one). */
export function smallAdd(set: SmallSet, value: string): SmallSet {
  if (set === undefined) return value;
  if (typeof set === 'string') return set === value ? set : [set, value];
  if (set instanceof Set) return set.add(value);
  if (set.includes(value)) return set;
  // concat, not a spread: a spread's array gets room to grow (17 slots), concat's has just its own.
  return set.length < SMALL_MAX ? set.concat(value) : new Set(set).add(value);
}

/**
 * `set` without `value`. A Set is kept however small it gets: one that emptied is likely to fill
 * again (a busy channel), and going back and forth would allocate each time.
 */
export function smallDelete(set: SmallSet, value: string): SmallSet {
  if (set === undefined || typeof set === 'string') return set === value ? undefined : set;
  if (set instanceof Set) {
    set.delete(value);
    return set;
  }
  const at = set.indexOf(value);
  if (at < 0) return set;
  const rest = set.slice(0, at).concat(set.slice(at + 1));
  return rest.length === 1 ? rest[0] : rest;
}
