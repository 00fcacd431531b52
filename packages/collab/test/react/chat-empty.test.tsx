// @vitest-environment jsdom
// [CHATUI-18] An empty chat says so, and stops saying so with the first message.
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { chatter, log, send, startNamed } from './chat-people.js';

describe('<Chat> with no message yet', () => {
  it('[CHATUI-18] shows "No messages yet" once joined, to every member; the first message, from another, takes it away', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'empty', 'Ada');
    const bob = chatter(url, 'empty', 'Bob');
    for (const view of [ada, bob]) await eventually(() => expect(log(view).getByText('No messages yet')).toBeTruthy());
    await send(bob, 'First!');
    for (const view of [ada, bob]) {
      await eventually(() => expect(log(view).getByText('First!')).toBeTruthy());
      expect(log(view).queryByText('No messages yet')).toBeNull();
    }
  });
});
