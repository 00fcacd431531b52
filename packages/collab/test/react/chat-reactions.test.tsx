// @vitest-environment jsdom
// <Chat>'s reactions between real clients through a real server (CHATUI-12): React opens a palette,
// a chip per emoji with its count and who gave it, pressed for one's own, pressing it toggles.
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { chatter, log, send, startNamed } from './chat-people.js';

describe('<Chat> reactions', () => {
  it('[CHATUI-12] [CHAT-15] React opens the palette; a pick shows a chip to everyone with its count and who gave it; pressing a chip gives or takes back one\'s own', async () => {
    const { url } = await startNamed();
    const ada = chatter(url, 'reactions', 'Ada');
    const bob = chatter(url, 'reactions', 'Bob');
    await send(ada, 'Ship on Friday?');
    const react = await eventually(() => log(bob).getByRole('button', { name: 'React to message: Ship on Friday?' }));
    expect(react.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(react);
    const palette = log(bob).getByRole('group', { name: 'Pick a reaction' });
    expect(within(palette).getAllByRole('button').map((b) => b.textContent)).toEqual(['👍', '❤️', '😂', '🎉', '😮', '👀']);
    expect(document.activeElement).toBe(within(palette).getByRole('button', { name: 'React with 👍' })); // the keyboard lands in it
    fireEvent.click(within(palette).getByRole('button', { name: 'React with 👍' }));
    expect(log(bob).queryByRole('group', { name: 'Pick a reaction' })).toBeNull(); // a pick closes it
    expect(document.activeElement).toBe(react);

    const bobsChip = await eventually(() => log(bob).getByRole('button', { name: '👍 1: You' }));
    expect(bobsChip.getAttribute('aria-pressed')).toBe('true');
    expect(bobsChip.textContent).toBe('👍 1');
    const adasChip = await eventually(() => log(ada).getByRole('button', { name: '👍 1: Bob' }));
    expect(adasChip.getAttribute('aria-pressed')).toBe('false');
    expect(adasChip.title).toBe('Bob');
    expect(log(ada).getByText('Ship on Friday?')).toBeTruthy();
    expect(log(ada).queryByText('(edited)')).toBeNull(); // a reaction is no edit

    fireEvent.click(adasChip); // Ada gives it too
    await eventually(() => expect(log(ada).getByRole('button', { name: '👍 2: You and Bob' }).getAttribute('aria-pressed')).toBe('true'));
    await eventually(() => expect(log(bob).getByRole('button', { name: '👍 2: You and Ada' })).toBeTruthy());

    fireEvent.click(log(bob).getByRole('button', { name: '👍 2: You and Ada' })); // Bob takes his back
    await eventually(() => expect(log(ada).getByRole('button', { name: '👍 1: You' })).toBeTruthy());
    await eventually(() => expect(log(bob).getByRole('button', { name: '👍 1: Ada' }).getAttribute('aria-pressed')).toBe('false'));

    // Picking an emoji one already gave takes it back, as its chip does; Escape closes the palette.
    fireEvent.click(log(ada).getByRole('button', { name: 'React to message: Ship on Friday?' }));
    fireEvent.click(log(ada).getByRole('button', { name: 'React with 👍' }));
    await eventually(() => expect(log(bob).queryByRole('button', { name: /^👍/ })).toBeNull());
    fireEvent.click(log(ada).getByRole('button', { name: 'React to message: Ship on Friday?' }));
    fireEvent.keyDown(log(ada).getByRole('button', { name: 'React with 🎉' }), { key: 'Escape' });
    expect(log(ada).queryByRole('group', { name: 'Pick a reaction' })).toBeNull();
  });

  it('[CHATUI-12] a viewer sees the chips and who gave them, with nothing to press; `reactions={[]}` offers no React button, yet chips still toggle; a refused reaction says why', async () => {
    const { url } = await startNamed((_room, session) => ({ canWrite: (session.data as { user?: { id?: string } } | null)?.user?.id !== 'u-Vic' }));
    const ada = chatter(url, 'viewer-reactions', 'Ada');
    const vic = chatter(url, 'viewer-reactions', 'Vic', { readOnly: true });
    const plain = chatter(url, 'viewer-reactions', 'Pat', { reactions: [] });
    await send(ada, 'Look at this');
    fireEvent.click(await eventually(() => log(ada).getByRole('button', { name: 'React to message: Look at this' })));
    fireEvent.click(log(ada).getByRole('button', { name: 'React with 🎉' }));
    const seen = await eventually(() => log(vic).getByRole('img', { name: '🎉 1: Ada' }));
    expect(seen.textContent).toBe('🎉 1');
    expect(log(vic).queryByRole('button', { name: /React|🎉/ })).toBeNull();
    const chip = await eventually(() => log(plain).getByRole('button', { name: '🎉 1: Ada' }));
    expect(log(plain).queryByRole('button', { name: /^React to message/ })).toBeNull();
    fireEvent.click(chip);
    await eventually(() => expect(log(ada).getByRole('button', { name: '🎉 2: You and Pat' })).toBeTruthy());
    // Vic again in a chat the app forgot to make readOnly: the server refuses, and the chat says why.
    const vicWrites = chatter(url, 'viewer-reactions', 'Vic');
    fireEvent.click(await eventually(() => log(vicWrites).getByRole('button', { name: 'React to message: Look at this' })));
    fireEvent.click(log(vicWrites).getByRole('button', { name: 'React with 👀' }));
    await eventually(() => expect(within(vicWrites.container).getByRole('alert').textContent).toMatch(/Not added: .*may read room viewer-reactions but not react/));
    expect(log(ada).queryByRole('button', { name: /^👀/ })).toBeNull();
  });
});
