// @vitest-environment jsdom
// [REACT-19] useLobby over a real server: a room list that follows who is where and what was said,
// and marks the rooms with news for the viewer until it reads them.
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { useLobby } from '../../src/react/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

function RoomList() {
  const { rooms, ready, hasNews, mentionsYou } = useLobby();
  if (!ready) return <p>Loading rooms…</p>;
  return (
    <ul>
      {rooms.map((room) => (
        <li key={room.id}>
          {room.id}: {room.count} here{room.lastMessage ? `, last: ${room.lastMessage.text}` : ''}
          {hasNews(room) ? ' (new messages)' : ''}
          {mentionsYou(room) ? ' (mentions you)' : ''}
        </li>
      ))}
    </ul>
  );
}

const named = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: m.ext?.['user'] ?? null } }) } };
const person = (url: string, roomId: string, id: string) => member(url, roomId, { presence: { name: id } }, { ext: { user: { id, name: id } } }).room;
const items = (): string[] => screen.queryAllByRole('listitem').map((li) => li.textContent ?? '');

describe('[REACT-19] useLobby', () => {
  it('[REACT-19] lists the rooms live and marks those with a message the viewer has not read, until it reads it; its own are no news', async () => {
    const { url } = await startCollab({}, named);
    const ada = person(url, 'plan', 'ada');
    await ada.synced;
    await ada.chat.send('hello');

    mount(url, <RoomList />, { client: { ext: { user: { id: 'bob', name: 'bob' } } } });
    await screen.findByRole('list');
    await eventually(() => expect(items()).toEqual(['plan: 1 here, last: hello (new messages)']));

    // Bob comes in, in another tab, and reads it: the lobby says so when its page is looked at again.
    const bob = person(url, 'plan', 'bob');
    await bob.synced;
    await eventually(() => expect(items()).toEqual(['plan: 2 here, last: hello (new messages)']));
    await bob.chat.markRead(1);
    act(() => void window.dispatchEvent(new Event('focus')));
    await eventually(() => expect(items()).toEqual(['plan: 2 here, last: hello']));

    // His own message is no news to him; Ada's answer is.
    await bob.chat.send('hi Ada');
    await eventually(() => expect(items()).toEqual(['plan: 2 here, last: hi Ada']));
    await ada.chat.send('welcome');
    await eventually(() => expect(items()).toEqual(['plan: 2 here, last: welcome (new messages)']));

    const carol = person(url, 'design', 'carol');
    await carol.synced;
    await eventually(() => expect(items().sort()).toEqual(['design: 1 here', 'plan: 2 here, last: welcome (new messages)']));
  });

  it('[REACT-19] [LOBBY-8] a room where someone named the viewer says so, still after later messages, until the viewer reads it', async () => {
    const { url } = await startCollab({}, named);
    const ada = person(url, 'plan', 'ada');
    await ada.synced;
    const { client } = mount(url, <RoomList />, { client: { ext: { user: { id: 'bob', name: 'Bob' } } } });
    let asked = 0; // the hook's reads requests
    const call = client.call.bind(client);
    client.call = ((channel: string, data: unknown) => {
      if ((data as { type?: unknown }).type === 'reads') asked++;
      return call(channel, data);
    }) as typeof client.call;
    await screen.findByRole('list');
    await ada.chat.send('agenda is up');
    await eventually(() => expect(items()).toEqual(['plan: 1 here, last: agenda is up (new messages)']));

    await ada.chat.send('@Bob can you check the dates?');
    await eventually(() => expect(items()).toEqual(['plan: 1 here, last: @Bob can you check the dates? (new messages) (mentions you)']));
    await ada.chat.send('no rush');
    // The hook asked again when the mention came: the server counted it, so the mark stays.
    await eventually(() => expect(items()).toEqual(['plan: 1 here, last: no rush (new messages) (mentions you)']));
    // Messages that name no one ask nothing more of the server.
    const before = asked;
    await ada.chat.send('see you at 3');
    await eventually(() => expect(items()).toEqual(['plan: 1 here, last: see you at 3 (new messages) (mentions you)']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(asked).toBe(before);

    const bob = person(url, 'plan', 'bob');
    await bob.synced;
    await bob.chat.markRead(4);
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await eventually(() => expect(items()).toEqual(['plan: 2 here, last: see you at 3']));
  });

  it('[REACT-19] a viewer the lobby refuses sees the reason, and no rooms', async () => {
    const { url } = await startCollab({ lobby: false });
    function Refused() {
      const { ready, error, rooms } = useLobby();
      return <p>{error ? `refused: ${error.code}` : ready ? `${rooms.length} rooms` : 'loading'}</p>;
    }
    mount(url, <Refused />);
    await eventually(() => expect(screen.getByText(/^refused: /)).toBeDefined());
  });
});
