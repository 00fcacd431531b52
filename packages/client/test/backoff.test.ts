import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffWindow, DEFAULT_BACKOFF } from '../src/index.js';

describe('backoffDelay', () => {
  it('[CLI-14] is random() × min(max, base × 2^attempt), floored', () => {
    expect(backoffDelay(0, { base: 100, max: 1000, random: () => 0.5 })).toBe(50);
    expect(backoffDelay(3, { base: 100, max: 1000, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(4, { base: 100, max: 1000, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(1000, { base: 100, max: 1000, random: () => 0.999 })).toBe(999);
  });

  it('[CLI-14] defaults: base 500 ms, max 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ base: 500, max: 30_000 });
    expect(backoffWindow(0)).toBe(500);
    expect(backoffWindow(6)).toBe(30_000);
  });

  it('[CLI-14] stays within [0, window) and the window never shrinks (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, max, r) => {
          const options = { base, max, random: () => r };
          const delay = backoffDelay(attempt, options);
          const window = backoffWindow(attempt, options);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(window);
          expect(window).toBeLessThanOrEqual(max);
          expect(backoffWindow(attempt + 1, options)).toBeGreaterThanOrEqual(window);
        },
      ),
    );
  });

  it('[CLI-14] is pure: the same inputs give the same delay', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const options = { random: () => r };
        expect(backoffDelay(attempt, options)).toBe(backoffDelay(attempt, options));
      }),
    );
  });
});
