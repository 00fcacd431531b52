// Two members' <Whiteboard>s through a real server, and pointer gestures on them, for the
// whiteboard's jsdom tests.
import { act, fireEvent, render, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { onCleanup } from '@kuiper/testkit';
import { Whiteboard } from '../../src/react/whiteboard/index.js';
import type { ExportedFile } from '../../src/react/whiteboard/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { createBoard } from '../../src/whiteboard/index.js';

export async function twoBoards(extra: { onExport?: (file: ExportedFile) => void } = {}) {
  const server = await startCollab();
  const ada = member(server.url, 'wb', { presence: { name: 'Ada', color: '#e03131' }, throttleMs: 10 }).room;
  const bob = member(server.url, 'wb', { presence: { name: 'Bob', color: '#1971c2' }, throttleMs: 10 }).room;
  await Promise.all([ada.synced, bob.synced]);
  const a = render(<Whiteboard room={ada} {...extra} />);
  const b = render(<StrictMode><Whiteboard room={bob} /></StrictMode>); // effects run twice: still one board

  onCleanup(() => (a.unmount(), b.unmount()));
  return { ada, bob, a: within(a.container), b: within(b.container), unmountBob: () => b.unmount() };
}

/** Ada (a Node member with a board model) and another member in `room`, both synced; Ada's board is destroyed after the test. */
export async function adaAndOther(room: string, name: string) {
  const server = await startCollab();
  const ada = member(server.url, room, { presence: { name: 'Ada' }, throttleMs: 10 }).room;
  const other = member(server.url, room, { presence: { name }, throttleMs: 10 }).room;
  await Promise.all([ada.synced, other.synced]);
  const board = createBoard(ada);
  onCleanup(() => board.destroy());
  return { ada, other, board };
}

/** A press, moves and a release on the drawing surface, as a mouse would make them. */
export function drag(surface: Element, points: Array<[number, number]>, pointerType = 'mouse'): void {
  const [first, ...rest] = points;
  const base = { pointerId: 7, pointerType, button: 0, buttons: 1, isPrimary: true };
  act(() => void fireEvent.pointerDown(surface, { ...base, clientX: first![0], clientY: first![1] }));
  for (const [x, y] of rest) act(() => void fireEvent.pointerMove(surface, { ...base, clientX: x, clientY: y }));
  const [lx, ly] = points[points.length - 1]!;
  act(() => void fireEvent.pointerUp(surface, { ...base, buttons: 0, clientX: lx, clientY: ly }));
}

export const shapeIds = (root: ReturnType<typeof within>): string[] =>
  root.getByRole('application', { name: 'Whiteboard' }).querySelectorAll('[data-shape-id]').length === 0
    ? []
    : [...root.getByRole('application', { name: 'Whiteboard' }).querySelectorAll('[data-shape-id]')].map((e) => e.getAttribute('data-shape-id')!);
