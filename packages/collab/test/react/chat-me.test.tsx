// @vitest-environment jsdom
// `room.chat.me()` (CHAT-12): the server tells a member who it is in the chat, so a tab opened after a
// reload offers Edit and Delete on the messages its user sent before, and never on anyone else's.
import { fireEvent, within, type RenderResult } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import type { Message } from '@kuiper/client';
import type { SessionInfo } from '@kuiper/server';
import { ChatClient } from '../../src/chat/room-chat.js';
import type { ChatAuthor } from '../../src/chat/types.js';
import type { CollabError } from '../../src/protocol/errors.js';
import { Chat, useRoom } from '../../src/react/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

const NAMES: Record<string, string> = { ada: 'Ada', bob: 'Bob' };

/**
 * Sessions carry only an `account` (no `data.user`), so the chat author comes from the authorize
 * grant alone: every connection of one account is the same user.
 */
function startAccounts() {
  const account = (session: SessionInfo): string => String((session.data as { account?: unknown } | null)?.account ?? 'nobody');
  return startCollab(
    { authorize: (_room, session) => ({ canWrite: true, user: { id: `acct-${account(session)}`, name: NAMES[account(session)] ?? 'Someone' } }) },
    { policy: { canHandshake: (m: Message) => ({ data: { account: (m.ext as { account?: unknown } | undefined)?.account } }) } },
  );
}

function RoomChat() {
  const room = useRoom();
  return room ? <Chat room={room} /> : <p>entering</p>;
}

const log = (view: RenderResult) => within(view.container).getByRole('log', { name: 'Chat messages' });

describe('room.chat.me()', () => {
  it('[CHAT-12] [CHAT-2] a later connection of the same user learns it is that author; another user learns its own', async () => {
    const { url } = await startAccounts();
    const first = member(url, 'me1', {}, { ext: { account: 'ada' } }).room;
    await first.synced;
    await eventually(() => expect(first.chat.me()).toEqual({ id: 'acct-ada', name: 'Ada' }));
    await first.chat.send('before the reload');

    const later = member(url, 'me1', {}, { ext: { account: 'ada' } }).room;
    expect(later.chat.me()).toBeUndefined(); // nothing is assumed before the server said so
    const told: (ChatAuthor | undefined)[] = [];
    later.chat.subscribeMe(() => told.push(later.chat.me()));
    await eventually(() => expect(later.chat.me()).toEqual({ id: 'acct-ada', name: 'Ada' }));
    expect(told).toEqual([{ id: 'acct-ada', name: 'Ada' }]); // told once, when it became known
    expect(later.chat.messages().map((m) => m.author.id)).toEqual([later.chat.me()?.id]);
    expect(later.chat.unreadCount()).toBe(0); // its own message is not unread

    const other = member(url, 'me1', {}, { ext: { account: 'bob' } }).room;
    await eventually(() => expect(other.chat.me()).toEqual({ id: 'acct-bob', name: 'Bob' }));
    expect(other.chat.unreadCount()).toBe(1);
  });

  it('[CHAT-12] [CHATUI-3] after a reload <Chat> offers Edit and Delete on the user\'s older messages, and the edit is accepted; another user gets neither', async () => {
    const { url } = await startAccounts();
    const before = member(url, 'me2', {}, { ext: { account: 'ada' } }).room;
    await before.synced;
    await before.chat.send('sent before the reload');

    const reloaded = mount(url, <RoomChat />, { room: 'me2', client: { ext: { account: 'ada' } } });
    const bob = mount(url, <RoomChat />, { room: 'me2', client: { ext: { account: 'bob' } } });
    await eventually(() => expect(within(log(reloaded)).getByRole('button', { name: 'Edit message: sent before the reload' })).toBeTruthy());
    expect(within(log(reloaded)).getByRole('button', { name: 'Delete message: sent before the reload' })).toBeTruthy();
    await eventually(() => expect(within(log(bob)).getByText('sent before the reload')).toBeTruthy());
    expect(within(log(bob)).queryByRole('button', { name: /Edit message|Delete message/ })).toBeNull();

    // The server agrees it is hers: the edit goes through and Bob sees it.
    fireEvent.click(within(log(reloaded)).getByRole('button', { name: 'Edit message: sent before the reload' }));
    const input = within(log(reloaded)).getByDisplayValue('sent before the reload');
    fireEvent.change(input, { target: { value: 'edited after the reload' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await eventually(() => expect(within(log(bob)).getByText('edited after the reload')).toBeTruthy());
    expect(within(log(bob)).queryByRole('button', { name: /Edit message|Delete message/ })).toBeNull();
  });

  it('[CHAT-12] [CHAT-1] a join answer whose `me` is not an author is refused, and me() stays unknown', async () => {
    const errors: CollabError[] = [];
    const joined = (me: unknown) => ({ v: 1, ok: true, me, read: 0, messages: [], hasMore: false });
    for (const me of [undefined, null, 'ada', { id: '' }, { id: 7 }, { id: 'ada', name: 3 }, { id: 'x'.repeat(257) }]) {
      const chat = new ChatClient({ call: () => Promise.resolve(joined(me)), clientId: () => 'c1' }, { onError: (e) => errors.push(e) });
      let fired = 0;
      chat.subscribeMe(() => fired++);
      await chat.start();
      expect(chat.me()).toBeUndefined();
      expect(fired).toBe(0);
    }
    expect(errors.map((e) => e.code)).toEqual(Array(7).fill('message_invalid'));
    // The same answer with a real author is taken.
    const chat = new ChatClient({ call: () => Promise.resolve(joined({ id: 'ada', name: 'Ada' })), clientId: () => 'c1' });
    await chat.start();
    expect(chat.me()).toEqual({ id: 'ada', name: 'Ada' });
  });
});
