// @vitest-environment jsdom
// <Chat>'s replies between real clients through a real server (CHATUI-14): Reply puts what it
// answers above the box, the reply shows the quote to everyone, and pressing it brings the
// answered message into view, loading older history when it is not loaded yet.
import { fireEvent, within, type RenderResult } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { member } from '../integration/helpers.js';
import { chatter, log, send, startNamed } from './chat-people.js';

const scope = (view: RenderResult) => within(view.container);
const box = (view: RenderResult) => scope(view).getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

describe('<Chat> replies', () => {
  it('[CHATUI-14] [CHAT-16] Reply shows what it answers above the box; the reply quotes it for everyone, with its latest text; the quote leads back to it', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'replies-ui', 'Ada');
    const bob = chatter(url, 'replies-ui', 'Bob');
    await send(ada, 'Who takes the notes?');
    await send(ada, 'And who books the room?');
    fireEvent.click(await eventually(() => log(bob).getByRole('button', { name: 'Reply to message: Who takes the notes?' })));
    const note = scope(bob).getByRole('note', { name: 'Replying to Ada: Who takes the notes?' });
    expect(note.textContent).toContain('Replying to Ada');
    expect(document.activeElement).toBe(box(bob)); // straight to writing
    fireEvent.keyDown(box(bob), { key: 'Escape' }); // changed their mind
    expect(scope(bob).queryByRole('note')).toBeNull();
    fireEvent.click(log(bob).getByRole('button', { name: 'Reply to message: Who takes the notes?' }));
    await send(bob, 'I will');
    expect(scope(bob).queryByRole('note')).toBeNull(); // gone with the message
    const quote = await eventually(() => log(ada).getByRole('button', { name: 'In reply to Ada: Who takes the notes?' }));
    expect(within(quote.closest('article')!).getByText('I will')).toBeTruthy();
    await eventually(() => log(bob).getByRole('button', { name: 'In reply to Ada: Who takes the notes?' }));

    // The quote follows the answered message: an edit shows, as does a delete.
    fireEvent.click(log(ada).getByRole('button', { name: 'Edit message: Who takes the notes?' }));
    const editor = log(ada).getByRole('textbox', { name: 'Edit message' });
    fireEvent.change(editor, { target: { value: 'Who takes the notes today?' } });
    fireEvent.keyDown(editor, { key: 'Enter' });
    await eventually(() => log(bob).getByRole('button', { name: 'In reply to Ada: Who takes the notes today?' }));

    // Pressing the quote takes the focus to the answered message's first control.
    fireEvent.click(log(bob).getByRole('button', { name: 'In reply to Ada: Who takes the notes today?' }));
    await eventually(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('React to message: Who takes the notes today?'));
    expect(document.activeElement?.closest('article')?.hasAttribute('data-flash')).toBe(true);

    fireEvent.click(log(ada).getByRole('button', { name: 'Delete message: Who takes the notes today?' }));
    await eventually(() => log(bob).getByRole('button', { name: 'In reply to Ada: Message deleted' }));
  });

  it('[CHATUI-14] a reply refused (what it answers was deleted meanwhile) says why and keeps both its text and what it answered', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'replies-refused', 'Ada');
    const bob = chatter(url, 'replies-refused', 'Bob');
    await send(ada, 'Pizza or sushi?');
    fireEvent.click(await eventually(() => log(bob).getByRole('button', { name: 'Reply to message: Pizza or sushi?' })));
    fireEvent.click(await eventually(() => log(ada).getByRole('button', { name: 'Delete message: Pizza or sushi?' })));
    await eventually(() => expect(log(bob).getByText('Message deleted')).toBeTruthy());
    await send(bob, 'Sushi');
    await eventually(() => expect(scope(bob).getByRole('alert').textContent).toMatch(/Not sent: .*no message 1 to reply to/));
    expect(box(bob).value).toBe('Sushi');
    expect(scope(bob).getByRole('note', { name: 'Replying to Ada: Pizza or sushi?' })).toBeTruthy();
  });

  it('[CHATUI-14] a quote of a message further back than the log holds loads the older pages until it is there, then shows it', async () => {
    const { url } = await startNamed();
    const node = member(url, 'replies-far').room;
    await node.synced;
    for (let i = 1; i <= 120; i++) await node.chat.send(`message ${i}`);
    await node.chat.send('agreed with the first', { replyTo: 1 });
    const bob = chatter(url, 'replies-far', 'Bob');
    const quote = await eventually(() => log(bob).getByRole('button', { name: /^In reply to .*: message 1$/ }));
    expect(log(bob).getAllByRole('article')).toHaveLength(50); // the first page only: message 1 is not loaded
    fireEvent.click(quote);
    await eventually(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('React to message: message 1'), 10_000);
    expect(log(bob).getAllByRole('article')).toHaveLength(121);
  });
});
