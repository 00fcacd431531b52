// The memory engine's per-session helpers and how every engine names a session (HS-1).
import { describe, expect, it } from 'vitest';
import { newClientId } from '../src/engines/session-state.js';

describe('newClientId', () => {
  it('[HS-1] every id is new and base36, across several refills of the random pool', () => {
    // 256 ids per refill: 1,000 ids read the pool four times over, and the refills must not repeat.
    const ids = Array.from({ length: 1000 }, () => newClientId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{20,31}$/);
    // 160 bits: about 31 base36 digits; fewer only when the leading digits happen to be zero.
    const long = ids.filter((id) => id.length >= 30).length;
    expect(long).toBeGreaterThan(ids.length * 0.9);
  });
});
