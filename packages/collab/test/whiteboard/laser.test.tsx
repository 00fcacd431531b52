// @vitest-environment jsdom
// [BOARD-31] The laser pointer: a fading trail the others see through presence, written nowhere,
// usable by a viewer too; what a peer publishes for it is read defensively.
import { fireEvent, render, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { Whiteboard } from '../../src/react/whiteboard/index.js';
import { LASER_POINTS, readPeer } from '../../src/whiteboard/board-presence.js';
import { adaAndOther, drag, shapeIds, twoBoards } from './two-boards.js';

type Root = ReturnType<typeof within>;
const surfaceOf = (root: Root): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
/** Where a trail's bright end (its dot) is, or null when there is no trail of `owner`'s. */
function tip(root: Root, owner: string): { x: number; y: number } | null {
  const dot = surfaceOf(root).querySelector(`[data-laser="${owner}"] circle`);
  return dot && { x: Number(dot.getAttribute('cx')), y: Number(dot.getAttribute('cy')) };
}

describe('[BOARD-31] laser pointer', () => {
  it('the others see the trail follow the pointer and fade out a second after it stops; nothing is drawn on the board or undoable', async () => {
    const { ada, bob, a, b } = await twoBoards();
    fireEvent.keyDown(surfaceOf(a), { key: 'k' });
    expect(a.getByRole('button', { name: 'Laser pointer' }).getAttribute('aria-pressed')).toBe('true');
    drag(surfaceOf(a), [[100, 100], [140, 120], [180, 150], [220, 160]]);
    expect(tip(a, 'me')).toEqual({ x: 220, y: 160 }); // her own trail at once
    const adaConnection = ada.presence.connection!;
    await vi.waitFor(() => expect(tip(b, adaConnection)).toEqual({ x: 220, y: 160 }), { timeout: 5_000 });
    expect(surfaceOf(b).querySelectorAll(`[data-laser="${adaConnection}"] line`).length).toBeGreaterThanOrEqual(3);

    await vi.waitFor(() => expect(tip(b, adaConnection)).toBeNull(), { timeout: 3_000 });
    expect(tip(a, 'me')).toBeNull();
    expect(shapeIds(a)).toEqual([]);
    expect(shapeIds(b)).toEqual([]);
    expect(ada.canUndo()).toBe(false);
    expect(bob.presence.others().find((o) => o.connection === adaConnection)?.state['laser']).toEqual([]);
  });

  it('a viewer (readOnly) has the laser as its one tool and points with it for the others', async () => {
    const { other: viewer, board } = await adaAndOther('pointing', 'Vic');
    const v = render(<Whiteboard room={viewer} readOnly />);
    onCleanup(() => v.unmount());
    const view = within(v.container);
    const tools = view.getByRole('group', { name: 'Tools' });
    expect(within(tools).getAllByRole('button').map((el) => el.getAttribute('aria-label'))).toEqual(['Laser pointer']);
    fireEvent.click(view.getByRole('button', { name: 'Laser pointer' }));
    drag(surfaceOf(view), [[40, 40], [60, 50], [80, 70]]);
    await vi.waitFor(() => expect(board.peers().find((p) => p.name === 'Vic')?.laser.slice(-2)).toEqual([80, 70]), { timeout: 5_000 });
    fireEvent.click(view.getByRole('button', { name: 'Laser pointer' })); // off again: back to selecting
    expect(view.getByRole('button', { name: 'Laser pointer' }).getAttribute('aria-pressed')).toBe('false');
    expect(board.shapes()).toEqual([]);
  });

  it('a peer\'s trail that is not x, y pairs of board coordinates, or too long, is none', () => {
    const laser = (value: unknown): readonly number[] => readPeer('c', { laser: value as never }).laser;
    expect(laser([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(laser([1, 2, 3])).toEqual([]);
    expect(laser([1, 'x'])).toEqual([]);
    expect(laser([1, 2e9])).toEqual([]);
    expect(laser(new Array(2 * LASER_POINTS + 2).fill(1))).toEqual([]);
    expect(laser('1,2')).toEqual([]);
  });
});
