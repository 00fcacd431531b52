// @vitest-environment jsdom
// The README's React example (examples/react-room.tsx) runs against a real server, and the README shows it verbatim.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fireEvent, render, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually, newClient, onCleanup } from '@kuiper/testkit';
import { TeamRoom } from '../../examples/react-room.js';
import { member, startCollab } from '../integration/helpers.js';

// Under jsdom `import.meta.url` is not a file URL; vitest still sets `import.meta.filename`.
const here = dirname(import.meta.filename);

describe('README React example', () => {
  it('examples/react-room.tsx is shown verbatim in the README', () => {
    const readme = readFileSync(join(here, '../../README.md'), 'utf8');
    const example = readFileSync(join(here, '../../examples/react-room.tsx'), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[REACT-1] [REACT-2] two people in the example room: status, names, title, announcement, wave and chat', async () => {
    const { url } = await startCollab();
    const ada = render(<TeamRoom url={url} name="Ada" />);
    onCleanup(() => ada.unmount());
    const bob = render(<TeamRoom url={url} name="Bob" />);
    onCleanup(() => bob.unmount());
    const inAda = within(ada.container);
    const inBob = within(bob.container);
    await eventually(() => expect(inAda.getByText('connected · with Bob')).toBeTruthy());
    await eventually(() => expect(inBob.getByText('connected · with Ada')).toBeTruthy());

    const editor = member(url, 'team', { presence: { name: 'Cy' } }).room;
    await editor.synced;
    editor.doc.getText('title').insert(0, 'Launch plan');
    await eventually(() => expect(inAda.getByRole('heading', { name: 'Launch plan' })).toBeTruthy());
    await newClient(url).publish('/announcements', { text: 'Standup in 5' });
    await eventually(() => expect(inBob.getByRole('status').textContent).toBe('Standup in 5'));

    fireEvent.click(inBob.getByRole('button', { name: 'Wave' }));
    await eventually(() => expect(inAda.getByText(/waved$/)).toBeTruthy());

    const box = inAda.getByRole('textbox', { name: 'Message' });
    fireEvent.change(box, { target: { value: 'Shall we start?' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await eventually(() => expect(within(inBob.getByRole('log', { name: 'Chat messages' })).getByText('Shall we start?')).toBeTruthy());
  });
});
