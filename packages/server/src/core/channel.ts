/**
 * Channel grammar (SPEC: CHAN-*): `/`-separated non-empty segments; `*` and `**` only as the whole
 * last segment. Matching is done by expanding a concrete channel into every pattern that could match
 * it, so routing is a handful of Map lookups whatever the number of subscriptions.
 */
// A segment is any run of printable characters without `/` or `*` (wildcards are whole segments).
const SEGMENT = /^[^/*\x00-\x20\x7f]+$/;

export type ChannelKind = 'meta' | 'service' | 'broadcast';

export function isValidChannelName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length < 2 || name.length > 1024 || name[0] !== '/') return false;
  const segments = name.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (seg === '*' || seg === '**') {
      if (i !== segments.length - 1) return false;
      continue;
    }
    if (!SEGMENT.test(seg)) return false;
  }
  return true;
}

export function isWild(name: string): boolean {
  return name.endsWith('/*') || name.endsWith('/**');
}

export function channelKind(name: string): ChannelKind {
  if (name === '/meta' || name.startsWith('/meta/')) return 'meta';
  if (name === '/service' || name.startsWith('/service/')) return 'service';
  return 'broadcast';
}

/**
 * Every subscription pattern that matches a concrete channel:
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

/** Does `pattern` (concrete or wild) match the concrete `channel`? */
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

/** The chain of parent channels, used for sweeping: `/a/b/c` → `/a/b`, `/a`. */
export function parentChannel(name: string): string | undefined {
  const cut = name.lastIndexOf('/');
  return cut > 0 ? name.slice(0, cut) : undefined;
}
