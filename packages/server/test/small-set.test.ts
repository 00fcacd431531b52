// The memory engine's small sets (engines/memory/small-set.ts): whatever form a set takes (nothing,
// one string, a short array, a Set), it answers as a Set would, through every add and delete.
import { describe, expect, it } from 'vitest';
import { type SmallSet, smallAdd, smallDelete, smallHas, smallSize, smallValues } from '../src/engines/memory/small-set.js';

/** A small seeded generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('small sets', () => {
  it('[LIMIT-10] answer as a Set through random adds and deletes, in every form', () => {
    const forms = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const model = new Set<string>();
      let set: SmallSet;
      for (let step = 0; step < 400; step++) {
        // Eight values, so sets go past the array's four members and back down.
        const value = `/c/${Math.floor(next() * 8)}`;
        if (next() < 0.55) {
          set = smallAdd(set, value);
          model.add(value);
        } else {
          set = smallDelete(set, value);
          model.delete(value);
        }
        forms.add(set === undefined ? 'none' : typeof set === 'string' ? 'one' : set instanceof Set ? 'set' : 'array');
        expect(smallSize(set), `seed ${seed} step ${step}`).toBe(model.size);
        expect(new Set(smallValues(set)), `seed ${seed} step ${step}`).toEqual(model);
        for (let v = 0; v < 8; v++) expect(smallHas(set, `/c/${v}`)).toBe(model.has(`/c/${v}`));
      }
    }
    // A Set stays a Set once made (small-set.ts says why): the seeds between them see every form.
    expect([...forms].sort()).toEqual(['array', 'none', 'one', 'set']);
  });

  it('[LIMIT-10] keep no Set while small: one member is the string itself, a few an array of just them', () => {
    const one = smallAdd(undefined, 'a');
    expect(one).toBe('a');
    const two = smallAdd(one, 'b');
    expect(two).toEqual(['a', 'b']);
    expect(smallAdd(two, 'a')).toBe(two);
    const four = smallAdd(smallAdd(two, 'c'), 'd');
    expect(four).toEqual(['a', 'b', 'c', 'd']);
    // Arrays are replaced, never changed: whoever iterates the old one sees it whole.
    expect(two).toEqual(['a', 'b']);
    expect(smallAdd(four, 'e')).toBeInstanceOf(Set);
    expect(smallDelete(two, 'a')).toBe('b');
    expect(smallDelete('b', 'b')).toBeUndefined();
  });
});
