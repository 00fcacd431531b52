// The authority's membership map (COLLAB-39): a flat array for a few members, a Map past eight, and
// the same answers as a Map in both forms (insertion order kept, an existing key keeps its place).
import { describe, expect, it } from 'vitest';
import { emptySmallMap, type SmallMap, smallMapDelete, smallMapEntries, smallMapGet, smallMapHas, smallMapKeys, smallMapSet, smallMapSize } from '../src/core/small-map.js';

/** Applies the same operations to a SmallMap and a Map and checks they agree after each. */
function agree(ops: Array<['set', string, number] | ['delete', string]>): SmallMap<number> {
  let small = emptySmallMap<number>();
  const reference = new Map<string, number>();
  for (const op of ops) {
    if (op[0] === 'set') {
      small = smallMapSet(small, op[1], op[2]);
      reference.set(op[1], op[2]);
    } else {
      small = smallMapDelete(small, op[1]);
      reference.delete(op[1]);
    }
    expect(smallMapSize(small)).toBe(reference.size);
    expect([...smallMapKeys(small)]).toEqual([...reference.keys()]);
    expect([...smallMapEntries(small)]).toEqual([...reference.entries()]);
    for (const key of ['a', 'b', 'c', 'k3', 'k9', 'nobody']) {
      expect(smallMapHas(small, key)).toBe(reference.has(key));
      expect(smallMapGet(small, key)).toBe(reference.get(key));
    }
  }
  return small;
}

describe('[COLLAB-39] small map', () => {
  it('[COLLAB-39] answers as a Map for one and two members, and is a plain array then', () => {
    const two = agree([['set', 'a', 1], ['set', 'b', 2], ['set', 'a', 3], ['delete', 'c'], ['delete', 'a'], ['set', 'a', 4]]);
    expect(Array.isArray(two)).toBe(true);
    expect(smallMapSize(agree([['set', 'a', 1], ['delete', 'a']]))).toBe(0);
  });

  it('[COLLAB-39] becomes a Map past eight members and keeps their order', () => {
    const ops: Array<['set', string, number] | ['delete', string]> = [];
    for (let i = 0; i < 12; i++) ops.push(['set', `k${i}`, i]);
    ops.push(['delete', 'k3'], ['set', 'k0', 100], ['set', 'k3', 3]);
    for (let i = 0; i < 12; i++) ops.push(['delete', `k${i}`]);
    const map = agree(ops);
    expect(map instanceof Map).toBe(true);
  });

  it('[COLLAB-39] never edits an array an owner holds: every change returns a new one', () => {
    const one = smallMapSet(emptySmallMap<number>(), 'a', 1);
    const two = smallMapSet(one, 'b', 2);
    expect([...smallMapKeys(one)]).toEqual(['a']);
    const changed = smallMapSet(two, 'a', 5);
    expect(smallMapGet(two, 'a')).toBe(1);
    expect(smallMapGet(changed, 'a')).toBe(5);
    expect(Object.isFrozen(emptySmallMap())).toBe(true);
  });
});
