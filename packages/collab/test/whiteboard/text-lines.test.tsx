// @vitest-environment jsdom
// [BOARD-10] A text of several lines takes the room of its lines: as wide as its longest, as tall as
// all of them, with the numbers its drawing uses. So its outline, its hit area, the export's extent
// and the pivot it turns about cover its last line and stop at its longest line's end, for the
// member who wrote it and the member who watches. A one-line text's box is what it always was.
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { frameOf } from '../../src/whiteboard/hit-test.js';
import { boardExtent, boardToSvg, createBoard, hits, readShape, type Shape } from '../../src/whiteboard/index.js';
import { onCleanup } from '@kuiper/testkit';
import { twoBoards } from './two-boards.js';

const shape = (fields: Record<string, unknown>): Shape => readShape('t', fields)!;

// Width 2: a 20-unit font, lines 25 apart (baselines at 120, 145, 170). Its longest line has 17
// characters: the box is 170 × (24 + 2 × 25) from (100, 100). Counted as one line of 32 characters
// it was 320 × 24: far past "eggs", and not down to "call Bob".
const LIST = 'to do\nbuy milk and eggs\ncall Bob';
const THIRD_LINE = { x: 130, y: 165 };
const RIGHT_OF_LONGEST = { x: 380, y: 110 };

describe('[BOARD-10] a text of several lines', () => {
  it('[BOARD-10] its box is its longest line wide and its lines high; a one-line text keeps the box it had', () => {
    const list = shape({ kind: 'text', x: 100, y: 100, text: LIST });
    expect(frameOf(list)).toEqual({ x: 100, y: 100, w: 170, h: 74 });
    expect(hits(list, THIRD_LINE.x, THIRD_LINE.y, 0)).toBe(true);
    expect(hits(list, RIGHT_OF_LONGEST.x, RIGHT_OF_LONGEST.y, 0)).toBe(false);
    // Its third line is drawn where the box says: baseline 170, inside it.
    expect(boardToSvg([list])).toContain('<tspan x="100" dy="25">call Bob</tspan>');
    // One line: half its font size a character, its font size plus 4 tall. A thin text's (width 2,
    // size 20) as before, 10 a character; a thicker one's as wide as its bigger letters, where it
    // was 10 a character whatever the size (a thick text's outline stopped at three fifths of it).
    expect(frameOf(shape({ kind: 'text', x: 100, y: 100, text: 'a longer line' }))).toEqual({ x: 100, y: 100, w: 130, h: 24 });
    expect(frameOf(shape({ kind: 'text', x: 0, y: 0, text: 'abc', width: 4 }))).toEqual({ x: 0, y: 0, w: 36, h: 28 });
    expect(frameOf(shape({ kind: 'text', x: 0, y: 0, text: 'abc', width: 8 }))).toEqual({ x: 0, y: 0, w: 48, h: 36 });
  });

  it('[BOARD-10] [BOARD-12] the export takes in its last line, and stops near its longest line\'s end', () => {
    const e = boardExtent([shape({ kind: 'text', x: 100, y: 100, text: LIST })], 0);
    expect(e.y + e.height).toBeGreaterThanOrEqual(174); // "call Bob", descenders and all
    expect(e.x + e.width).toBeLessThan(300); // not 320 characters' worth of room past x = 100
  });

  it('[BOARD-10] [BOARD-41] <Whiteboard>: written on three lines, its outline (and the other member\'s view of it) covers the third line, a press there picks it, one right of its longest line does not; it turns about its lines\' centre', async () => {
    const { ada, a, b } = await twoBoards();
    const board = createBoard(ada);
    onCleanup(() => board.destroy());
    const surface = (root: ReturnType<typeof within>): HTMLElement => root.getByRole('application', { name: 'Whiteboard' });
    const base = { pointerId: 7, pointerType: 'mouse', button: 0, buttons: 1, isPrimary: true };
    const click = (x: number, y: number): void => {
      act(() => void fireEvent.pointerDown(surface(a), { ...base, clientX: x, clientY: y }));
      act(() => void fireEvent.pointerUp(surface(a), { ...base, buttons: 0, clientX: x, clientY: y }));
    };

    // Ada writes it with the Text tool, a new line for each item (Enter in the editor).
    fireEvent.click(a.getByRole('button', { name: 'Text' }));
    click(100, 100);
    const editor = a.getByRole('textbox', { name: 'Text note' });
    fireEvent.change(editor, { target: { value: LIST } });
    fireEvent.blur(editor);
    await vi.waitFor(() => expect(board.shapes().map((s) => s.text)).toEqual([LIST]), { timeout: 5_000 });
    const t = board.shapes()[0]!;
    expect(t).toMatchObject({ x: 100, y: 100 });

    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    const outline = (): Element | null => surface(a).querySelector(`[data-selected="${t.id}"]`);
    click(RIGHT_OF_LONGEST.x, RIGHT_OF_LONGEST.y);
    expect(outline()).toBeNull();
    click(THIRD_LINE.x, THIRD_LINE.y);
    expect(outline()).not.toBeNull();
    // Round its lines, 5 units out (4 and half its width): (95, 95) to (275, 179).
    const box = (e: Element | null): number[] => ['x', 'y', 'width', 'height'].map((k) => Number(e?.getAttribute(k)));
    expect(box(outline())).toEqual([95, 95, 180, 84]);
    await vi.waitFor(() => expect(box(surface(b).querySelector(`[data-peer-selection="${t.id}"]`))).toEqual([95, 95, 180, 84]), { timeout: 5_000 });

    // Turned, about the centre of its lines, (185, 137), for both members.
    act(() => void fireEvent.keyDown(surface(a), { key: '>', code: 'Period', shiftKey: true }));
    await vi.waitFor(() => expect(surface(b).querySelector(`[data-shape-id="${t.id}"]`)?.getAttribute('transform')).toBe('rotate(15 185 137)'), { timeout: 5_000 });
  });
});
