// @vitest-environment jsdom
// [COLLAB-49] [REACT-17] Away: a page hidden for a while, or untouched, says so in presence, and
// <Chat>'s "Who is here" greys that member for the others; back the moment the page shows or is used.
import { within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { isAway, watchAway } from '../../src/index.js';
import { Chat, useAway, useRoom } from '../../src/react/index.js';
import { startNamed } from './chat-people.js';
import { mount } from './helpers.js';

let visibility: DocumentVisibilityState = 'visible';
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
const show = (state: DocumentVisibilityState): void => {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
};
afterEach(() => show('visible'));

/** `name`'s page: its room's <Chat>, with `useAway` watching this (jsdom's one) document. */
function person(url: string, room: string, name: string, away?: { hiddenMs?: number; idleMs?: number }) {
  function Page() {
    const entered = useRoom();
    if (away) useAway(away); // eslint-disable-line react-hooks/rules-of-hooks -- fixed per page
    return entered ? <Chat room={entered} /> : <p>entering</p>;
  }
  return mount(url, <Page />, { room, presence: { name }, client: { ext: { user: { id: `u-${name}`, name } } } });
}

const whoIsHere = (view: ReturnType<typeof mount>): string[] =>
  within(within(view.container).getByRole('list', { name: 'Who is here' })).getAllByRole('listitem').map((li) => li.textContent ?? '');

describe('[COLLAB-49] away', () => {
  it('[REACT-17] a page hidden longer than hiddenMs is away for the others, greyed in Who is here; shown again, it is back at once', async () => {
    const { url } = await startNamed();
    const bob = person(url, 'away-hidden', 'Bob');
    person(url, 'away-hidden', 'Ada', { hiddenMs: 200 });
    await eventually(() => expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada']));
    show('hidden');
    await new Promise((r) => setTimeout(r, 100));
    expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada']); // a glance elsewhere is not leaving
    await eventually(() => expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada (away)']));
    const ada = within(bob.container).getByText('Ada').closest('li')!;
    expect(ada.hasAttribute('data-away')).toBe(true);
    show('visible');
    await eventually(() => expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada']));
  });

  it('a page no one touches for idleMs is away; a key brings it back', async () => {
    const { url } = await startNamed();
    const bob = person(url, 'away-idle', 'Bob');
    person(url, 'away-idle', 'Ada', { idleMs: 300 });
    await eventually(() => expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada (away)']));
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    await eventually(() => expect(whoIsHere(bob)).toEqual(['Bob (you)', 'Ada']));
  });

  it('watchAway refuses a negative wait, and says back when stopped', () => {
    const set: unknown[] = [];
    let state: Record<string, unknown> = {};
    const presence = { get: () => state as never, set: (patch: Record<string, unknown>) => (set.push(patch), (state = { ...state, ...patch })) };
    expect(() => watchAway(presence as never, { hiddenMs: -1 })).toThrow(RangeError);
    show('hidden');
    const stop = watchAway(presence as never, { hiddenMs: 0 });
    return new Promise<void>((resolve) => setTimeout(() => {
      expect(isAway(state as never)).toBe(true);
      stop();
      expect(isAway(state as never)).toBe(false);
      expect(set).toEqual([{ away: true }, { away: false }]);
      resolve();
    }, 30));
  });
});
