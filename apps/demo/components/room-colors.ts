/**
 * Each person's colour in a room (avatar, cursor, selection): their own colour, stable across
 * visits, unless someone who was in the room first already has it. Ten colours hashed from user ids
 * alone gave two of every ten pairs of visitors one colour between them (Ada and Bob both pink).
 *
 * Nobody assigns colours: each page decides its own from the presence it sees, and the rule settles
 * the same way on every page. The earlier arrival keeps a colour (ties by user id); the later one
 * moves to the first colour after its own that nobody else wears. Two who move at the same moment
 * onto one colour meet the rule again, and the later moves again. Tabs of one user are one person.
 */
export const PALETTE = ['#e4572e', '#2e86e4', '#17a05d', '#a23ad6', '#d69a1d', '#d6336c', '#1c9aa0', '#6b5ce7', '#c2410c', '#4d7c0f'] as const;

/** A user's own colour: the same on every visit (a hex colour, as the whiteboard wants). */
export function preferredColor(userId: string): string {
  return PALETTE[paletteIndex(userId)]!;
}

function paletteIndex(userId: string): number {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PALETTE.length;
}

/** Who wears what, as a page sees it in presence: `since` is when they entered the room (ms). */
export interface Wearer {
  readonly userId: string;
  readonly since: number;
  readonly color: string;
}

const before = (a: Wearer, b: Wearer): boolean => a.since < b.since || (a.since === b.since && a.userId < b.userId);

/**
 * The colour `me` should wear now, given the others in the room. `me.color` is kept unless another
 * user who came first wears it; then the first free colour after my own. With all ten worn, my own.
 */
export function roomColor(me: Wearer, others: readonly Wearer[]): string {
  const people = others.filter((o) => o.userId !== me.userId);
  if (!people.some((o) => o.color === me.color && before(o, me))) return me.color;
  const worn = new Set(people.map((o) => o.color));
  const start = paletteIndex(me.userId);
  for (let i = 0; i < PALETTE.length; i++) {
    const color = PALETTE[(start + i) % PALETTE.length]!;
    if (!worn.has(color)) return color;
  }
  return me.color;
}
