/**
 * Channel grammar (Bayeux 1.0): `/`-separated non-empty segments; a wildcard only as the whole
 * last segment — `*` matches exactly one more segment, `**` one or more.
 */
const SEGMENT = /^[^/*]+$/;

export function isValidChannel(name: string): boolean {
  return parse(name) !== undefined;
}

export function isWildcard(name: string): boolean {
  return name.endsWith('/*') || name.endsWith('/**');
}

function parse(name: string): { segments: string[]; wild: '' | '*' | '**' } | undefined {
  if (!name.startsWith('/') || name.length < 2) return undefined;
  const segments = name.slice(1).split('/');
  const last = segments[segments.length - 1];
  let wild: '' | '*' | '**' = '';
  if (last === '*' || last === '**') {
    wild = last;
    segments.pop();
  }
  if (!segments.every((s) => SEGMENT.test(s))) return undefined;
  if (wild === '' && segments.length === 0) return undefined;
  return { segments, wild };
}

/** Whether a concrete channel matches a subscription pattern (or equals a plain channel). */
export function channelMatches(pattern: string, channel: string): boolean {
  if (pattern === channel) return true;
  const p = parse(pattern);
  if (!p || p.wild === '') return false;
  const c = channel.slice(1).split('/');
  if (c.length <= p.segments.length) return false;
  for (let i = 0; i < p.segments.length; i++) if (p.segments[i] !== c[i]) return false;
  return p.wild === '**' || c.length === p.segments.length + 1;
}
