/**
 * The channel grammar and matcher (SPEC: PROTO-10..16), the one both the server and the client
 * check names with. A name is `/`-separated non-empty segments; `*` and `**` only as the whole last
 * segment. Matching a concrete channel is done by expanding it into every pattern that could match
 * it, so routing is a handful of Map lookups whatever the number of subscriptions.
 */

/** The longest channel name accepted (PROTO-10): a bound on what one name costs in every index. */
export const MAX_CHANNEL_LENGTH = 1024;

const STAR = 0x2a;

export type ChannelKind = 'meta' | 'service' | 'broadcast';

/**
 * Why `name` is not a valid channel name or pattern, or undefined when it is (PROTO-10..12).
 * A segment is a run of printable characters without `/` or `*` (wildcards are whole segments).
 * One pass over the characters, allocating nothing for a valid name (no split into segments), so
 * the server can call it on every message.
 */
export function channelNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'a channel name is a string';
  if (name[0] !== '/') return 'a channel name starts with "/"';
  if (name.length < 2) return 'a channel name has at least one segment after "/"';
  if (name.length > MAX_CHANNEL_LENGTH) return `a channel name has at most ${MAX_CHANNEL_LENGTH} characters`;
  let start = 1;
  for (;;) {
    let end = name.indexOf('/', start);
    if (end === -1) end = name.length;
    const problem = segmentProblem(name, start, end, end === name.length);
    if (problem !== undefined || end === name.length) return problem;
    start = end + 1;
  }
}

/** What is wrong with the segment `name[start, end)`, the rules checked in the order they were before. */
function segmentProblem(name: string, start: number, end: number, last: boolean): string | undefined {
  const length = end - start;
  if (length === 0) return 'a channel name has no empty segments';
  let stars = 0;
  let spaceOrControl = false;
  for (let i = start; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c === STAR) stars++;
    else if (c <= 0x20 || c === 0x7f) spaceOrControl = true;
  }
  if (stars === length && length <= 2) return last ? undefined : `"${name.slice(start, end)}" may only be the last segment`;
  if (spaceOrControl) return 'a channel name has no spaces or control characters';
  if (stars > 0) return 'a "*" is a whole segment, never part of one';
  return undefined;
}

/** Whether `name` is a channel name or subscription pattern the protocol allows (PROTO-10..12). */
export function isValidChannelName(name: unknown): name is string {
  return channelNameProblem(name) === undefined;
}

/** Whether a (valid) name is a pattern: it ends in `/*` or `/**` (PROTO-11). */
export function isWildcard(name: string): boolean {
  return name.endsWith('/*') || name.endsWith('/**');
}

/** `/meta/**` (and `/meta`), `/service/**` (and `/service`), or a broadcast channel (PROTO-13). */
export function channelKind(name: string): ChannelKind {
  if (name === '/meta' || name.startsWith('/meta/')) return 'meta';
  if (name === '/service' || name.startsWith('/service/')) return 'service';
  return 'broadcast';
}

export function isMetaChannel(name: string): boolean {
  return channelKind(name) === 'meta';
}

export function isServiceChannel(name: string): boolean {
  return channelKind(name) === 'service';
}

/**
 * Every subscription pattern that matches a concrete channel (PROTO-14):
 * `/a/b/c` → `/a/b/c`, `/a/b/*`, `/a/b/**`, `/a/**`, `/**`.
 */
export function matchingPatterns(channel: string): string[] {
  const out = [channel];
  let cut = channel.lastIndexOf('/');
  const parent = channel.slice(0, cut);
  out.push(`${parent}/*`);
  let prefix = parent;
  for (;;) {
    out.push(`${prefix}/**`);
    if (prefix.length === 0) break;
    cut = prefix.lastIndexOf('/');
    prefix = prefix.slice(0, cut);
  }
  return out;
}

/**
 * Does `pattern` (concrete or wild) match the concrete `channel` (PROTO-15)? `/a/*` matches exactly
 * one more segment, `/a/**` one or more, a concrete name only itself.
 */
export function patternMatches(pattern: string, channel: string): boolean {
  if (pattern === channel) return true;
  if (pattern.endsWith('/**')) {
    const base = pattern.slice(0, -2);
    return channel.startsWith(base) && channel.length > base.length;
  }
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -1);
    return channel.startsWith(base) && channel.length > base.length && !channel.includes('/', base.length);
  }
  return false;
}

/** The parent of a channel, for sweeping empty channels upwards (PROTO-16): `/a/b` → `/a`. */
export function parentChannel(name: string): string | undefined {
  const cut = name.lastIndexOf('/');
  return cut > 0 ? name.slice(0, cut) : undefined;
}
