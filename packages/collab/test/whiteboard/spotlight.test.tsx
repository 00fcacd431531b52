// @vitest-environment jsdom
// [BOARD-36] Spotlight: a member asks everyone to follow them; every other board follows at once,
// one who stops is left alone until the next spotlight, and following ends with it.
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { readPeer } from '../../src/whiteboard/index.js';
import { twoBoards } from './two-boards.js';

type Root = ReturnType<typeof within>;
const followingLine = (root: Root): string | null => root.queryByText(/^Following /)?.textContent ?? null;
const spotlightButton = (root: Root): HTMLElement => root.getByRole('button', { name: 'Spotlight me' });

describe('[BOARD-36] spotlight', () => {
  it('spotlight is read from presence as a start time or null', () => {
    expect(readPeer('c', { spotlight: 1_700_000_000_000 }).spotlight).toBe(1_700_000_000_000);
    for (const bad of ['yes', -1, 1.5, Number.MAX_VALUE, null]) expect(readPeer('c', { spotlight: bad }).spotlight).toBeNull();
  });

  it('Bob follows Ada while she spotlights; Stop leaves him alone until her next spotlight; her stopping ends it', async () => {
    const { a, b } = await twoBoards();
    await vi.waitFor(() => expect(b.getByRole('option', { name: 'Ada' })).toBeTruthy(), { timeout: 5_000 });

    fireEvent.click(spotlightButton(a));
    expect(spotlightButton(a).getAttribute('aria-pressed')).toBe('true');
    await vi.waitFor(() => expect(followingLine(b)).toBe('● Following AdaStop'), { timeout: 5_000 });
    await vi.waitFor(() => expect(a.getByText('Bob is following you')).toBeTruthy(), { timeout: 5_000 });

    // Bob stops: he stays on his own view while this spotlight lasts.
    fireEvent.click(b.getByRole('button', { name: 'Stop' }));
    expect(followingLine(b)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(followingLine(b)).toBeNull();
    fireEvent.click(spotlightButton(b)); // his own spotlight, on and off, does not bring hers back
    fireEvent.click(spotlightButton(b));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(followingLine(b)).toBeNull();
    expect(followingLine(a)).toBeNull(); // nor does it pull Ada, who shines her own

    // Her next spotlight asks again; when she stops, he stops following.
    fireEvent.click(spotlightButton(a));
    fireEvent.click(spotlightButton(a));
    await vi.waitFor(() => expect(followingLine(b)).toBe('● Following AdaStop'), { timeout: 5_000 });
    fireEvent.click(spotlightButton(a));
    expect(spotlightButton(a).getAttribute('aria-pressed')).toBe('false');
    await vi.waitFor(() => expect(followingLine(b)).toBeNull(), { timeout: 5_000 });
  });
});
