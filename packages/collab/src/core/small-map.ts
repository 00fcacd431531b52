/**
 * A string-keyed map kept as small as its usual contents: a room has one or two members, and a `Map`
 * keeps a hash table for four entries however few it holds (~184 bytes of heap with its object).
 * Up to SMALL_MAX entries it is one flat array `[key, value, key, value, ...]`, replaced on every
 * change (never grown in place: a push gives an array room for 17), past that a `Map`. The
 * functions return the new value: the owner stores it. Insertion order is kept in both forms.
 */
export type SmallMap<V> = readonly (string | V)[] | Map<string, V>;

/** Past this many entries a Map: looking through eight keys costs less than hashing. */
const SMALL_MAX = 8;

const NONE: readonly never[] = Object.freeze([]);

/** The empty map every owner starts with (one frozen array for all). */
export function emptySmallMap<V>(): SmallMap<V> {
  return NONE;
}

/** The index of `key` in the flat form, or -1. */
function indexOf<V>(flat: readonly (string | V)[], key: string): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return i;
  return -1;
}

export function smallMapSize<V>(map: SmallMap<V>): number {
  return map instanceof Map ? map.size : map.length / 2;
}

export function smallMapHas<V>(map: SmallMap<V>, key: string): boolean {
  return map instanceof Map ? map.has(key) : indexOf(map, key) >= 0;
}

export function smallMapGet<V>(map: SmallMap<V>, key: string): V | undefined {
  if (map instanceof Map) return map.get(key);
  const at = indexOf(map, key);
  return at < 0 ? undefined : (map[at + 1] as V);
}

/** The keys, in insertion order. */
export function smallMapKeys<V>(map: SmallMap<V>): Iterable<string> {
  if (map instanceof Map) return map.keys();
  const keys: string[] = [];
  for (let i = 0; i < map.length; i += 2) keys.push(map[i] as string);
  return keys;
}

/** `map` with `key` set to `value` (an existing key keeps its place, as in a Map). */
export function smallMapSet<V>(map: SmallMap<V>, key: string, value: V): SmallMap<V> {
  if (map instanceof Map) return map.set(key, value);
  const at = indexOf(map, key);
  if (at >= 0) {
    if (map[at + 1] === value) return map;
    const next = map.slice();
    next[at + 1] = value;
    return next;
  }
  if (map.length < SMALL_MAX * 2) return map.concat(key, value as never);
  const grown = new Map<string, V>();
  for (let i = 0; i < map.length; i += 2) grown.set(map[i] as string, map[i + 1] as V);
  return grown.set(key, value);
}

/** `map` without `key`. A Map is kept however small it gets (a busy room may fill again). */
export function smallMapDelete<V>(map: SmallMap<V>, key: string): SmallMap<V> {
  if (map instanceof Map) {
    map.delete(key);
    return map;
  }
  const at = indexOf(map, key);
  if (at < 0) return map;
  return map.length === 2 ? NONE : map.slice(0, at).concat(map.slice(at + 2));
}

/** The entries, in insertion order, as a Map's `entries()` gives them. */
export function smallMapEntries<V>(map: SmallMap<V>): MapIterator<[string, V]> {
  return map instanceof Map ? map.entries() : flatEntries(map);
}

function* flatEntries<V>(flat: readonly (string | V)[]): Generator<[string, V], undefined, unknown> {
  for (let i = 0; i < flat.length; i += 2) yield [flat[i] as string, flat[i + 1] as V];
  return undefined;
}
