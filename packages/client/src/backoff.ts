/**
 * Reconnect delays: exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"). Full jitter spreads a crowd of clients that lost the same server over the
 * whole window instead of having them return in waves.
 *
 *   delay(attempt) = random() × min(max, base × 2^attempt)
 *
 * `attempt` counts consecutive failures, starting at 0 for the first retry. With the defaults
 * (base 500 ms, max 30 s) the window is [0, 500) ms, then [0, 1 s), [0, 2 s) … capped at 30 s.
 * Pure: the same attempt and the same `random` give the same delay, so tests can check it exactly.
 */
export interface BackoffOptions {
  /** Window of the first retry in ms. Default 500. */
  base?: number;
  /** Largest window in ms. Default 30 000. */
  max?: number;
  /** A source of numbers in [0, 1). Default Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { base: 500, max: 30_000 } as const;

export function backoffWindow(attempt: number, options: BackoffOptions = {}): number {
  const base = options.base ?? DEFAULT_BACKOFF.base;
  const max = options.max ?? DEFAULT_BACKOFF.max;
  const n = Math.max(0, Math.floor(attempt));
  // 2^n overflows to Infinity for big n; min() keeps the cap.
  return Math.min(max, base * 2 ** n);
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const random = options.random ?? Math.random;
  return Math.floor(random() * backoffWindow(attempt, options));
}
