/**
 * Time as a dependency: throttles, leave delays and snapshot debouncing read the clock through this
 * interface, so tests drive time explicitly instead of sleeping.
 */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
