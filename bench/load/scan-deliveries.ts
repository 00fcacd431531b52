// The load generator's per-frame work, kept to native Buffer searches: every delivered message's
// data starts with {"_t":<µs>, so deliveries are counted (and their latency read) without
// JSON.parse or even decoding the frame to a string. Frames carrying meta replies or errors are
// rare and parsed separately by the clients.

const MARK = Buffer.from('"_t":');
const META = Buffer.from('"/meta/');
const FAILED = Buffer.from('"successful":false');

/** Calls onStamp with each delivery's embedded publish time (µs); returns how many were found. */
export function scanDeliveries(buf: Buffer, onStamp: (publishedAtMicros: number) => void): number {
  let count = 0;
  let at = buf.indexOf(MARK);
  while (at !== -1) {
    let i = at + MARK.length;
    let value = 0;
    for (let c = buf[i]; c !== undefined && c >= 48 && c <= 57; c = buf[++i]) value = value * 10 + (c - 48);
    onStamp(value);
    count++;
    at = buf.indexOf(MARK, i);
  }
  return count;
}

export function hasMeta(buf: Buffer): boolean {
  return buf.indexOf(META) !== -1;
}

export function hasFailure(buf: Buffer): boolean {
  return buf.indexOf(FAILED) !== -1;
}

/** Process-local monotonic clock in whole µs; publisher and subscribers share the process. */
export function nowMicros(): number {
  return Math.round(performance.now() * 1000);
}

/** The `data` JSON of a benchmark message: the stamp first (what scanDeliveries looks for), then padding. */
export function payload(publishedAtMicros: number, padding: string): string {
  return `{"_t":${publishedAtMicros},"pad":"${padding}"}`;
}
