// @vitest-environment jsdom
// <Chat>'s search between real clients through a real server (CHATUI-16, CHAT-17): the Search
// button opens a search box, the results say who wrote what, and a result brings its message into
// view in the log, loading older history when it is further back.
import { fireEvent, within, type RenderResult } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { member } from '../integration/helpers.js';
import { chatter, log, send, startNamed } from './chat-people.js';

const scope = (view: RenderResult) => within(view.container);

/** Opens the search, types `text` and submits it. */
function searchFor(view: RenderResult, text: string): void {
  fireEvent.click(scope(view).getByRole('button', { name: 'Search messages' }));
  const box = scope(view).getByRole('searchbox', { name: 'Search messages' });
  expect(document.activeElement).toBe(box);
  fireEvent.change(box, { target: { value: text } });
  fireEvent.submit(scope(view).getByRole('search', { name: 'Search messages' }));
}

describe('<Chat> search', () => {
  it('[CHATUI-16] [CHAT-17] finds messages by their words, newest first, with author and day; a result brings its message into view and closes the search', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'search-ui', 'Ada');
    const bob = chatter(url, 'search-ui', 'Bob');
    await send(ada, 'The budget review is on Friday');
    await send(bob, 'ok');
    await send(bob, 'I sent the Budget numbers');
    await eventually(() => expect(log(ada).getAllByRole('article')).toHaveLength(3));

    searchFor(ada, 'budget');
    const results = await eventually(() => scope(ada).getByRole('list', { name: 'Search results' }));
    expect(scope(ada).getByRole('status').textContent).toBe('2 messages found');
    const items = within(results).getAllByRole('button').map((b) => b.textContent);
    expect(items[0]).toMatch(/^Bob Today .*I sent the Budget numbers$/);
    expect(items[1]).toMatch(/^Ada Today .*The budget review is on Friday$/);

    fireEvent.click(within(results).getAllByRole('button')[1]!);
    expect(scope(ada).queryByRole('search')).toBeNull();
    await eventually(() => expect(document.activeElement?.closest('article')?.getAttribute('data-serial')).toBe('1'));
    expect(document.activeElement?.closest('article')?.hasAttribute('data-flash')).toBe(true);

    // Nothing found says so; Escape closes the search and gives the focus back to its button.
    searchFor(ada, 'holiday');
    await eventually(() => expect(scope(ada).getByRole('status').textContent).toBe('No messages found'));
    fireEvent.keyDown(scope(ada).getByRole('searchbox', { name: 'Search messages' }), { key: 'Escape' });
    expect(scope(ada).queryByRole('search')).toBeNull();
    await eventually(() => expect(document.activeElement).toBe(scope(ada).getByRole('button', { name: 'Search messages' })));
  });

  it('[CHATUI-16] a result further back than the log holds is loaded, then shown; a viewer searches too', async () => {
    const { url } = await startNamed((_room, session) => ({ canWrite: (session.data as { user?: { name?: string } }).user?.name !== 'Vic' }));
    const node = member(url, 'search-far').room;
    await node.synced;
    await node.chat.send('kickoff notes are in the drive');
    for (let i = 2; i <= 120; i++) await node.chat.send(`message ${i}`);
    const vic = chatter(url, 'search-far', 'Vic', { readOnly: true });
    await eventually(() => expect(log(vic).getAllByRole('article')).toHaveLength(50));
    searchFor(vic, 'kickoff');
    const result = await eventually(() => within(scope(vic).getByRole('list', { name: 'Search results' })).getByRole('button'));
    fireEvent.click(result);
    await eventually(() => expect(document.activeElement?.closest('article')?.getAttribute('data-serial')).toBe('1'), 10_000);
    expect(log(vic).getAllByRole('article')).toHaveLength(120);
  });
});
