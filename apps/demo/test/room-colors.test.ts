// [DEMO-11] The rule each page applies to its own colour, run over seeded rooms where people arrive
// and leave in random order and every page re-applies it to what it sees, as presence does.
import { describe, expect, it } from 'vitest';
import { seeded } from '@kuiper/testkit';
import { PALETTE, preferredColor, roomColor, type Wearer } from '../components/room-colors.js';

/** User ids whose own colour is `color`: the collisions hashing alone left. */
function idsWearing(color: string, count: number, from = 0): string[] {
  const ids: string[] = [];
  for (let n = from; ids.length < count; n++) if (preferredColor(`user${n}`) === color) ids.push(`user${n}`);
  return ids;
}

/**
 * Pages re-apply the rule one at a time (in `order`), each seeing the others' latest presence,
 * until nobody changes: returns the colours and how many passes it took.
 */
function settle(room: Wearer[], next: () => number): { room: Wearer[]; passes: number } {
  let passes = 0;
  for (let changed = true; changed; passes++) {
    if (passes > 50) throw new Error('colours never settled');
    changed = false;
    const order = room.map((_, i) => i).sort(() => next() - 0.5);
    for (const i of order) {
      const me = room[i]!;
      const color = roomColor(me, room);
      if (color !== me.color) [changed, room[i]] = [true, { ...me, color }];
    }
  }
  return { room, passes };
}

describe('[DEMO-11] room colours', () => {
  it('two users whose ids hash to one colour: the one who came first keeps it, the other takes the next free one', () => {
    const [ada, bob] = idsWearing(PALETTE[5], 2) as [string, string];
    const first: Wearer = { userId: ada, since: 1000, color: PALETTE[5] };
    const second: Wearer = { userId: bob, since: 2000, color: PALETTE[5] };
    expect(roomColor(first, [second])).toBe(PALETTE[5]);
    expect(roomColor(second, [first])).toBe(PALETTE[6]);
    // A colour that someone else already wears is skipped.
    expect(roomColor(second, [first, { userId: 'carol', since: 500, color: PALETTE[6] }])).toBe(PALETTE[7]);
  });

  it('tabs of one user are one person: they may share a colour', () => {
    const me: Wearer = { userId: 'ada', since: 2000, color: preferredColor('ada') };
    expect(roomColor(me, [{ ...me, since: 1000 }])).toBe(me.color);
  });

  it('with all ten colours worn by earlier arrivals, a newcomer keeps its own', () => {
    const others = PALETTE.map((color, i) => ({ userId: `u${i}`, since: i, color }));
    const me: Wearer = { userId: 'late', since: 100, color: preferredColor('late') };
    expect(roomColor(me, others)).toBe(me.color);
  });

  it('seeded rooms: up to ten people arriving and leaving settle on distinct colours, and nobody there first is moved by a newcomer', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = seeded(seed);
      // Many share a colour on purpose: most ids come from two colours' collisions.
      const pool = [...idsWearing(PALETTE[1], 8), ...idsWearing(PALETTE[2], 8), ...idsWearing(PALETTE[9], 3)];
      let room: Wearer[] = [];
      let clock = 0;
      for (let step = 0; step < 30; step++) {
        const leaving = room.length > 0 && (room.length >= 10 || next() < 0.3);
        if (leaving) room.splice(Math.floor(next() * room.length), 1);
        else {
          const free = pool.filter((id) => !room.some((w) => w.userId === id));
          const id = free[Math.floor(next() * free.length)]!;
          // Some arrive at the same moment as the last one, before seeing each other.
          const since = next() < 0.3 ? clock : ++clock;
          const before = new Map(room.map((w) => [w.userId, w.color]));
          room = settle([...room, { userId: id, since, color: preferredColor(id) }], next).room;
          for (const w of room) if (before.has(w.userId) && w.since < since) expect(w.color, `seed ${seed}: ${w.userId} moved for ${id}`).toBe(before.get(w.userId));
        }
        const colours = room.map((w) => w.color);
        expect(new Set(colours).size, `seed ${seed} step ${step}: ${colours.join(' ')}`).toBe(room.length);
      }
    }
  });
});
