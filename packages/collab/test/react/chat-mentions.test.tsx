// @vitest-environment jsdom
// <Chat>'s @mentions between real clients through a real server (CHATUI-15): `@` offers the others
// here by name, the keyboard picks one, and a message that names a reader stands out for them.
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { mentionChoices, mentionQuery, mentions, withMention } from '../../src/react/chat/mentions.js';
import { chatter, log, startNamed } from './chat-people.js';

describe('@mentions: the pure half', () => {
  it('[CHATUI-15] the @… before the caret, the names it may be, the text with one chosen, and who a message names', () => {
    expect(mentionQuery('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail@bo', 7)).toBeUndefined(); // inside a word: an address, not a mention
    expect(mentionQuery('hi @bo there', 12)).toBeUndefined();
    expect(mentionChoices(['Bob', 'Ada Lovelace', 'bobby', 'Bob'], 'bo')).toEqual(['Bob', 'bobby']);
    expect(mentionChoices(['Ada Lovelace'], 'love')).toEqual(['Ada Lovelace']); // any word of the name
    expect(withMention('hi @bo!', 3, 6, 'Bob')).toEqual({ text: 'hi @Bob !', caret: 8 });
    expect(mentions('thanks @bob!', 'Bob')).toBe(true);
    expect(mentions('@Ada Lovelace, look', 'Ada Lovelace')).toBe(true);
    expect(mentions('hi @Bobby', 'Bob')).toBe(false);
    expect(mentions('mail me at me@bob', 'bob')).toBe(false);
    expect(mentions('hi @bob', undefined)).toBe(false);
    // A reader known by two names (login and presence) is named by either, the longer one whole.
    expect(mentions('hi @Ada', ['Ada Lovelace', 'Ada'])).toBe(true);
    expect(mentions('hi @ada lovelace!', ['Ada', 'Ada Lovelace'])).toBe(true);
    expect(mentions('hi @Lovelace', ['Ada Lovelace', 'Ada'])).toBe(false);
    expect(mentions('hi @Ada', [undefined, ''])).toBe(false);
  });
});

describe('<Chat> @mentions', () => {
  it('[CHATUI-15] a reader whose login name differs from the name others see in presence is mentioned by the one the list offers', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'mentions-names', 'Ada', {}, 'Ada Lovelace');
    const bob = chatter(url, 'mentions-names', 'Bob');
    const box = await eventually(() => within(bob.container).getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement);
    await eventually(() => expect(within(bob.container).getByRole('list', { name: 'Who is here' }).children).toHaveLength(2));
    fireEvent.change(box, { target: { value: '@' } });
    expect(within(within(bob.container).getByRole('listbox', { name: 'Mention someone' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['@Ada']);
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.change(box, { target: { value: `${box.value}can you look?` } });
    fireEvent.keyDown(box, { key: 'Enter' });
    const article = await eventually(() => log(ada).getByRole('article', { name: /^Bob at .*, mentions you$/ }));
    expect(article.hasAttribute('data-mention')).toBe(true);
  });

  it('[CHATUI-15] typing @ offers the others here (not oneself in another tab); Up/Down and Enter or Tab put the name in without sending; the one named sees the message stand out, no one else does', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'mentions', 'Ada');
    const bob = chatter(url, 'mentions', 'Bob');
    const cleo = chatter(url, 'mentions', 'Cleo');
    chatter(url, 'mentions', 'Ada'); // Ada in a second tab: not offered to herself
    const box = await eventually(() => within(ada.container).getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement);
    await eventually(() => expect(within(ada.container).getByRole('list', { name: 'Who is here' }).children).toHaveLength(4));
    fireEvent.change(box, { target: { value: 'Hi @' } });
    const list = within(ada.container).getByRole('listbox', { name: 'Mention someone' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['@Bob', '@Cleo']);
    expect(within(list).getByRole('option', { selected: true }).textContent).toBe('@Bob');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(within(list).getByRole('option', { selected: true }).textContent).toBe('@Cleo');
    fireEvent.keyDown(box, { key: 'ArrowDown' }); // round to the first
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('Hi @Bob '); // the name, not a send
    expect(within(ada.container).queryByRole('listbox')).toBeNull();
    fireEvent.change(box, { target: { value: 'Hi @Bob and @cl' } });
    expect(within(ada.container).getAllByRole('option').map((o) => o.textContent)).toEqual(['@Cleo']);
    fireEvent.keyDown(box, { key: 'Tab' });
    expect(box.value).toBe('Hi @Bob and @Cleo ');
    fireEvent.change(box, { target: { value: 'Hi @Bob and @Cleo, see @' } });
    fireEvent.keyDown(box, { key: 'Escape' }); // not now
    expect(within(ada.container).queryByRole('listbox')).toBeNull();
    fireEvent.change(box, { target: { value: 'Hi @Bob, see this' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    const forBob = await eventually(() => log(bob).getByRole('article', { name: /, mentions you$/ }));
    expect(forBob.hasAttribute('data-mention')).toBe(true);
    await eventually(() => expect(log(cleo).getByText('Hi @Bob, see this')).toBeTruthy());
    expect(log(cleo).queryByRole('article', { name: /mentions you/ })).toBeNull();
    await eventually(() => expect(log(ada).getByText('Hi @Bob, see this')).toBeTruthy());
    expect(log(ada).queryByRole('article', { name: /mentions you/ })).toBeNull(); // one's own never
  });
});
