// @vitest-environment jsdom
// [CHATUI-7] Day separators in <Chat>'s log: a chat kept in the store holds messages from other
// days, and each day's first message says which day it is.
import { within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { Chat, useRoom } from '../../src/react/index.js';
import { dayLabel } from '../../src/react/chat/day-label.js';
import { startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

const at = (y: number, m: number, d: number, h = 12, min = 0): number => new Date(y, m - 1, d, h, min).getTime();

describe('[CHATUI-7] day labels', () => {
  it('Today and Yesterday by the calendar, then the date; the year only when it is another', () => {
    const now = at(2026, 12, 5, 0, 30); // half past midnight
    expect(dayLabel(at(2026, 12, 5, 0, 1), now)).toBe('Today');
    expect(dayLabel(at(2026, 12, 4, 23, 59), now)).toBe('Yesterday'); // 31 minutes ago, but another day
    expect(dayLabel(at(2026, 12, 3, 9), now)).toBe(new Date(at(2026, 12, 3)).toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' }));
    expect(dayLabel(at(2025, 12, 31), now)).toContain('2025');
    expect(dayLabel(at(2026, 1, 2), now)).not.toContain('2026');
    // New Year's Day: yesterday is in the year before.
    expect(dayLabel(at(2026, 12, 31, 22), at(2027, 1, 1, 8))).toBe('Yesterday');
  });
});

function RoomChat() {
  const room = useRoom();
  return room ? <Chat room={room} /> : null;
}

describe('<Chat> across days', () => {
  it('[CHATUI-7] a separator before the first message of each day, none between messages of one day; a time shows its full date on hover', async () => {
    const store = new MemoryStore();
    const now = Date.now();
    // By the calendar, not in 24-hour steps from now: two messages a minute apart never straddle a midnight.
    const today = new Date(now);
    const daysAgo = (n: number, h: number, m = 0) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - n, h, m).getTime();
    const ada = { id: 'u-ada', name: 'Ada' };
    for (const [text, sentAt] of [['three days ago', daysAgo(3, 10)], ['also then', daysAgo(3, 10, 1)], ['yesterday', daysAgo(1, 12)], ['just now', now]] as const) {
      await store.appendChat('days', { author: ada, text, sentAt });
    }
    const { url } = await startCollab({ store });
    const view = mount(url, <RoomChat />, { room: 'days', presence: { name: 'Bob' } });
    const log = () => within(view.container).getByRole('log', { name: 'Chat messages' });
    await eventually(() => expect(within(log()).getAllByRole('article')).toHaveLength(4));
    const order = [...log().querySelectorAll('[role="separator"], article')].map((el) => (el.tagName === 'ARTICLE' ? el.querySelector('.kuiper-chat-text')?.textContent : `— ${el.getAttribute('aria-label')} —`));
    // Bob's first visit: all of it was there before him, so no unread marker (CHATUI-9).
    expect(order).toEqual([`— ${dayLabel(daysAgo(3, 10))} —`, 'three days ago', 'also then', '— Yesterday —', 'yesterday', '— Today —', 'just now']);
    const time = log().querySelector('article time')!;
    expect(time.getAttribute('title')).toBe(new Date(daysAgo(3, 10)).toLocaleString()); // the day and the time, not only 'HH:MM'
  });
});
