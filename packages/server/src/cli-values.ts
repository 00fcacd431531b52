/**
 * How `kuiper serve` reads one setting's value (SPEC: SERVE-3): from a flag it is a string, from
 * the `--config` JSON file a JSON value. Each reader returns the value or throws a `ValueError`
 * saying what was expected; the caller adds which flag or key it was, so a user reads
 * `--max-queue must be a whole number ≥ 1, got "lots"` instead of a stack trace.
 */

export class ValueError extends Error {
  constructor(readonly expected: string) {
    super(expected);
  }
}

/** Reads a raw flag string or JSON value into T, or throws a ValueError. */
export type ValueReader<T> = (raw: unknown) => T;

function range(min: number, max: number): string {
  return max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
}

/** A whole number in [min, max]: a JSON number, or decimal digits on the command line. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): ValueReader<number> {
  return (raw) => {
    const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new ValueError(`a whole number ${range(min, max)}`);
    }
    return n;
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size in bytes: a whole number, or one with a KiB, MiB or GiB suffix ("16MiB", "256 KiB"). */
export function byteSize(min: number): ValueReader<number> {
  const expected = `a size in bytes ≥ ${min} (a whole number, or with KiB, MiB or GiB: "16MiB")`;
  return (raw) => {
    if (typeof raw === 'number') {
      if (Number.isInteger(raw) && raw >= min) return raw;
      throw new ValueError(expected);
    }
    const m = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw) : null;
    const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
    const n = m?.[1] !== undefined && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new ValueError(expected);
    return n;
  };
}

/** true or false (a flag sets these by being there: `--stats`, `--no-ack`). */
export const yesNo: ValueReader<boolean> = (raw) => {
  if (typeof raw !== 'boolean') throw new ValueError('true or false');
  return raw;
};

/** A string passing `valid` (described by `expected`). */
export function text(expected: string, valid: (s: string) => boolean = (s) => s.length > 0): ValueReader<string> {
  return (raw) => {
    if (typeof raw !== 'string' || !valid(raw)) throw new ValueError(expected);
    return raw;
  };
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(choices: readonly T[]): ValueReader<T> {
  return (raw) => {
    if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
      throw new ValueError(`one of ${choices.join(', ')}`);
    }
    return raw as T;
  };
}

/**
 * A non-empty list whose items each pass `item`: comma-separated on the command line, a JSON array
 * (or the same comma-separated string) in the file.
 */
export function listOf<T>(expected: string, item: (s: string) => T | undefined): ValueReader<T[]> {
  const description = `a comma-separated list of ${expected}`;
  return (raw) => {
    const parts = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
    if (parts === undefined) throw new ValueError(description);
    const items = parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
    if (items.length === 0) throw new ValueError(description);
    return items.map((p) => {
      const value = typeof p === 'string' ? item(p) : undefined;
      if (value === undefined) throw new ValueError(`${description} (not ${JSON.stringify(p)})`);
      return value;
    });
  };
}

/** How a raw value appears in an error message. */
export function shown(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : JSON.stringify(raw) ?? String(raw);
}
