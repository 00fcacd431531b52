// @vitest-environment jsdom
// <Chat> between two real clients through a real server (CHATUI-1…6): Enter sends, typing shows,
// own messages edit and delete, who is here, the unread marker, history paged on scroll up.
import { act, fireEvent, within, type RenderResult } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import type { Message } from '@kuiper/client';
import { Chat, useRoom } from '../../src/react/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

/** A server whose sessions carry the `user` their handshake names (the chat's authors). */
function startNamed() {
  return startCollab({}, { policy: { canHandshake: (m: Message) => ({ data: { user: (m.ext as { user?: unknown } | undefined)?.user } }) } });
}

function RoomChat() {
  const room = useRoom();
  return room ? <Chat room={room} /> : <p>entering</p>;
}

function chatter(url: string, room: string, name: string, transports?: string[]): RenderResult {
  return mount(url, <RoomChat />, {
    room,
    presence: { name },
    client: { ext: { user: { id: `u-${name}`, name } }, ...(transports ? { transports } : {}) },
  });
}

const scope = (view: RenderResult) => within(view.container);
const log = (view: RenderResult) => scope(view).getByRole('log', { name: 'Chat messages' });
const box = (view: RenderResult) => scope(view).getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

function type(view: RenderResult, text: string): void {
  fireEvent.change(box(view), { target: { value: text } });
}

describe('<Chat>', () => {
  for (const transport of ['websocket', 'long-polling']) {
    it(`[CHATUI-1] [CHATUI-6] over ${transport}: a message sent with Enter appears in the other's log; Shift+Enter only breaks the line`, async () => {
      const { url } = await startNamed();
      const ada = chatter(url, 'c1', 'Ada', [transport]);
      const bob = chatter(url, 'c1', 'Bob', [transport]);
      await eventually(() => expect(within(log(bob)).queryByText('entering')).toBeNull());
      await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
      type(ada, 'Hello Bob');
      fireEvent.keyDown(box(ada), { key: 'Enter', shiftKey: true });
      expect(box(ada).value).toBe('Hello Bob'); // not sent
      fireEvent.keyDown(box(ada), { key: 'Enter' });
      await eventually(() => expect(within(log(bob)).getByText('Hello Bob')).toBeTruthy());
      await eventually(() => expect(box(ada).value).toBe(''));
      // Sent before Ada's chat had joined (the box is there at once), it lands once the join answers.
      await eventually(() => expect(within(log(ada)).getByText('Hello Bob')).toBeTruthy());
      expect(within(log(bob)).getByText('Ada')).toBeTruthy(); // the author, named by the server
    });
  }

  it('[CHATUI-2] while Ada types, Bob sees "Ada is typing…"', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c2', 'Ada');
    const bob = chatter(url, 'c2', 'Bob');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    let drafts = 0;
    // Typing from the first moment, as a quick user does: it must still be heard once the room is entered.
    await eventually(() => {
      type(ada, `draft ${++drafts}`);
      expect(bob.container.querySelector('.kuiper-chat-typing')?.textContent).toBe('Ada is typing…');
    });
    expect(scope(ada).queryByText('Ada is typing…')).toBeNull(); // not to herself
  });

  it('[CHATUI-2] the next message, written and sent while the one before is on its way, is sent too and after it; nothing typed is wiped', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c2b', 'Ada');
    const bob = chatter(url, 'c2b', 'Bob');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    type(ada, 'first');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    expect(box(ada).value).toBe(''); // free for the next one at once
    type(ada, 'second'); // before the first one's answer
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    type(ada, 'third, not sent yet');
    const texts = (view: RenderResult) => within(log(view)).queryAllByRole('article').map((a) => a.textContent ?? '');
    await eventually(() => expect(texts(bob).filter((t) => /first|second/.test(t)).map((t) => (t.includes('first') ? 'first' : 'second'))).toEqual(['first', 'second']));
    await eventually(() => expect(texts(ada).filter((t) => /first|second/.test(t))).toHaveLength(2));
    expect(box(ada).value).toBe('third, not sent yet'); // the answers did not wipe it
  });

  it('[CHATUI-2] a refused send shows why and keeps its text, ahead of what was written since', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c2c', 'Ada');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    const long = 'x'.repeat(4001); // past the server's 4,000 characters
    type(ada, long);
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    type(ada, 'meanwhile');
    await eventually(() => expect(scope(ada).getByRole('alert').textContent).toMatch(/Not sent: .*4000 characters/));
    expect(box(ada).value).toBe(`${long}\nmeanwhile`);
    expect(within(log(ada)).queryAllByRole('article')).toHaveLength(0);

    // Refused again, with a message sent right after it: that one lands, and the reason stays.
    type(ada, long);
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    expect(scope(ada).queryByRole('alert')).toBeNull(); // a new send clears the last reason
    type(ada, 'short one');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    await eventually(() => expect(within(log(ada)).getByText('short one')).toBeTruthy());
    expect(scope(ada).getByRole('alert').textContent).toMatch(/Not sent: .*4000 characters/);
    expect(box(ada).value).toBe(long);
  });

  it('[CHATUI-3] [REACT-11] edit and delete are offered on one\'s own messages only, and the other sees both', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c3', 'Ada');
    const bob = chatter(url, 'c3', 'Bob');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    type(ada, 'Helo');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    await eventually(() => expect(within(log(bob)).getByText('Helo')).toBeTruthy());
    expect(within(log(bob)).queryByRole('button', { name: /Edit message/ })).toBeNull();

    await eventually(() => expect(within(log(ada)).getByRole('button', { name: 'Edit message: Helo' })).toBeTruthy());
    fireEvent.click(within(log(ada)).getByRole('button', { name: 'Edit message: Helo' }));
    const editor = within(log(ada)).getByRole('textbox', { name: 'Edit message' });
    fireEvent.change(editor, { target: { value: 'Hello' } });
    fireEvent.keyDown(editor, { key: 'Enter' });
    await eventually(() => expect(within(log(bob)).getByText('Hello')).toBeTruthy());
    expect(within(log(bob)).getByText('(edited)')).toBeTruthy();

    await eventually(() => expect(within(log(ada)).getByRole('button', { name: 'Delete message: Hello' })).toBeTruthy());
    fireEvent.click(within(log(ada)).getByRole('button', { name: 'Delete message: Hello' }));
    await eventually(() => expect(within(log(bob)).getByText('Message deleted')).toBeTruthy());
    expect(within(log(bob)).queryByText('Hello')).toBeNull();
  });

  it('[CHATUI-3] an edit closes its editor at once (a second Enter sends nothing more); a refused edit opens it again with the text and says why', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c3b', 'Ada');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    type(ada, 'Helo');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    const editButton = () => within(log(ada)).getByRole('button', { name: /^Edit message: / });
    const editor = () => within(log(ada)).queryByRole('textbox', { name: 'Edit message' });
    await eventually(() => expect(editButton()).toBeTruthy());
    fireEvent.click(editButton());
    fireEvent.change(editor()!, { target: { value: 'Hello' } });
    fireEvent.keyDown(editor()!, { key: 'Enter' });
    expect(editor()).toBeNull(); // closed before the answer
    await eventually(() => expect(within(log(ada)).getByText('Hello')).toBeTruthy());

    fireEvent.click(editButton());
    const long = 'y'.repeat(4001);
    fireEvent.change(editor()!, { target: { value: long } });
    fireEvent.keyDown(editor()!, { key: 'Enter' });
    await eventually(() => expect(scope(ada).getByRole('alert').textContent).toMatch(/Not edited: .*4000 characters/));
    expect((editor() as HTMLTextAreaElement).value).toBe(long); // back, with what was written
    fireEvent.keyDown(editor()!, { key: 'Escape' });
    expect(within(log(ada)).getByText('Hello')).toBeTruthy(); // the message as it was
  });

  it('[CHATUI-4] "Who is here" lists both members by presence name', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c4', 'Ada');
    chatter(url, 'c4', 'Bob');
    await eventually(() => {
      const list = scope(ada).getByRole('list', { name: 'Who is here' });
      expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Ada (you)', 'Bob']);
    });
  });

  it('[CHATUI-5] [CHATUI-9] [REACT-11] an unread marker stands before the first message of someone else that came after the reader, until the reader comes to the chat', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c5', 'Ada');
    await eventually(() => expect(ada.container.querySelector('.kuiper-chat')).not.toBeNull());
    type(ada, 'hello?');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    await eventually(() => expect(within(log(ada)).getByText('hello?')).toBeTruthy());
    // Bob's first visit: what was said before he came is unread (counted) but gets no marker.
    const bob = chatter(url, 'c5', 'Bob');
    await eventually(() => expect(within(log(bob)).getByText('hello?')).toBeTruthy());
    expect(within(log(bob)).queryByRole('separator', { name: 'New messages' })).toBeNull();
    expect(scope(bob).getByRole('region', { name: 'Chat, 1 unread' })).toBeTruthy();
    type(ada, 'are you there?');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    await eventually(() => expect(within(log(bob)).getByRole('separator', { name: 'New messages' })).toBeTruthy());
    const order = [...log(bob).querySelectorAll('[role="separator"][aria-label="New messages"], article')].map((el) => (el.tagName === 'ARTICLE' ? el.querySelector('.kuiper-chat-text')?.textContent : 'New'));
    expect(order).toEqual(['hello?', 'New', 'are you there?']);
    expect(scope(bob).getByRole('region', { name: 'Chat, 2 unread' })).toBeTruthy();
    expect(within(log(ada)).queryByRole('separator', { name: 'New messages' })).toBeNull(); // her own is read
    act(() => log(bob).focus());
    await eventually(() => expect(within(log(bob)).queryByRole('separator', { name: 'New messages' })).toBeNull());
    expect(scope(bob).getByRole('region', { name: 'Chat' })).toBeTruthy();
  });

  it('[CHATUI-5] a message that comes while the reader is in the chat (writing) is read at once: no marker, no count', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'c5b', 'Ada');
    const bob = chatter(url, 'c5b', 'Bob');
    await eventually(() => expect(bob.container.querySelector('.kuiper-chat')).not.toBeNull());
    act(() => box(bob).focus()); // Bob is writing
    type(ada, 'are you there?');
    fireEvent.keyDown(box(ada), { key: 'Enter' });
    await eventually(() => expect(within(log(bob)).getByText('are you there?')).toBeTruthy());
    await eventually(() => expect(scope(bob).getByRole('region', { name: 'Chat' })).toBeTruthy());
    expect(within(log(bob)).queryByRole('separator', { name: 'New messages' })).toBeNull();
  });

  it('[CHATUI-1] history pages in when the log is scrolled to the top, oldest first', async () => {
    const { url } = await startNamed();
    const writer = member(url, 'c6');
    await writer.room.synced;
    for (let i = 1; i <= 60; i++) await writer.room.chat.send(`m${i}`);
    const bob = chatter(url, 'c6', 'Bob');
    await eventually(() => expect(within(log(bob)).getByText('m60')).toBeTruthy());
    expect(within(log(bob)).queryByText('m1')).toBeNull(); // the first page is the newest 50
    expect(within(log(bob)).getAllByRole('article')).toHaveLength(50);
    fireEvent.scroll(log(bob), { target: { scrollTop: 0 } });
    await eventually(() => expect(within(log(bob)).getAllByRole('article')).toHaveLength(60));
    const texts = within(log(bob)).getAllByRole('article').map((a) => a.querySelector('.kuiper-chat-text')?.textContent);
    expect(texts[0]).toBe('m1');
    expect(texts[59]).toBe('m60');
    expect(within(log(bob)).queryByRole('button', { name: 'Load older messages' })).toBeNull();
  });

  it('[CHATUI-8] a viewer\'s chat (readOnly) shows the log and who is here, with no message box, no Send and no Edit or Delete', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'read-only-chat', 'Ada');
    function ViewerChat() {
      const room = useRoom();
      return room ? <Chat room={room} readOnly /> : <p>entering</p>;
    }
    // Ada herself in a second tab, through a view-only link: her messages are hers, yet not editable here.
    const vic = mount(url, <ViewerChat />, { room: 'read-only-chat', presence: { name: 'Ada' }, client: { ext: { user: { id: 'u-Ada', name: 'Ada' } } } });
    await eventually(() => expect(scope(ada).queryByRole('textbox', { name: 'Message' })).not.toBeNull());
    type(ada, 'read me');
    act(() => void fireEvent.keyDown(box(ada), { key: 'Enter' }));
    await eventually(() => expect(log(vic).textContent).toContain('read me'));
    expect(scope(vic).queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(scope(vic).queryByRole('button', { name: 'Send' })).toBeNull();
    expect(scope(vic).getByText('You can read this chat, not write in it.')).toBeTruthy();
    await eventually(() => expect(scope(ada).getByRole('button', { name: 'Edit message: read me' })).toBeTruthy()); // a writer's own message
    expect(scope(vic).queryByRole('button', { name: /^(Edit|Delete) message/ })).toBeNull();
  });
});
