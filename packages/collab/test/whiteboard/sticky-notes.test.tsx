// @vitest-environment jsdom
// [BOARD-28] Sticky notes: the model (a `note` shape, its text laid out inside its paper, the same
// on the board, in an export and in a server's preview) and <Whiteboard>'s Sticky note tool
// between two members through a real server.
import { act, fireEvent } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { boardToSvg, hits, newShapeProblem, noteLines, notePaper, resizePatch, shapeSvg, svgMarkup, type Shape } from '../../src/whiteboard/index.js';
import { drag, shapeIds, twoBoards } from './two-boards.js';

const note = (extra: Partial<Shape> = {}): Shape => ({ id: 'n1', kind: 'note', x: 10, y: 20, w: 200, h: 200, z: 0, color: '#1e1e1e', width: 2, fill: '#ffec99', points: [], text: '', ...extra });

describe('sticky notes: the model', () => {
  it('[BOARD-28] a note is a shape of its own: paper (fill), ink (color), a box; hit anywhere on its paper, resized by its corner', () => {
    expect(newShapeProblem({ kind: 'note', x: 0, y: 0, w: 200, h: 200, text: 'hi', fill: '#ffec99' })).toBeUndefined();
    expect(newShapeProblem({ kind: 'note', x: 0, y: 0, src: 'asset:x' })).toBe('only an image has a src');
    expect(hits(note(), 200, 200, 1)).toBe(true); // inside the paper, far from any text
    expect(hits(note(), 260, 200, 1)).toBe(false);
    expect(resizePatch(note(), 100, 50)).toEqual({ x: 10, y: 20, w: 300, h: 250 });
    expect(notePaper('#1e1e1e')).toBe('#ffec99'); // black on the palette is the classic yellow
    expect(notePaper('#e03131')).toBe('#ffc9c9');
  });

  it('[BOARD-28] its text wraps inside the paper at words, keeps the writer\'s line breaks, cuts a word longer than a line, and ends in … past the bottom', () => {
    // 200 wide, 12 padding each side, 18 px at ~0.55 em a character: 17 characters a line; 7 lines in 200 high.
    expect(noteLines('Buy milk and eggs for the team lunch', 200, 200)).toEqual(['Buy milk and eggs', 'for the team', 'lunch']);
    expect(noteLines('one\n\ntwo', 200, 200)).toEqual(['one', '', 'two']);
    expect(noteLines('x'.repeat(40), 200, 200)).toEqual(['x'.repeat(17), 'x'.repeat(17), 'x'.repeat(6)]);
    const long = noteLines(Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '), 200, 200);
    expect(long).toHaveLength(7);
    expect(long[6]!.endsWith('…')).toBe(true);
    expect(noteLines('', 200, 200)).toEqual(['']);
  });

  it('[BOARD-28] drawn as its paper and the wrapped lines, the same in an export (a server\'s preview draws it too)', () => {
    const markup = svgMarkup(shapeSvg(note({ text: 'Buy milk and eggs for the team lunch', fill: '#a5d8ff' })));
    expect(markup).toContain('fill="#a5d8ff"');
    expect(markup.match(/<tspan/g)).toHaveLength(3);
    expect(markup).toContain('>for the team</tspan>');
    const file = boardToSvg([note({ text: 'ship it' })]);
    expect(file).toContain('>ship it</tspan>');
    expect(svgMarkup(shapeSvg(note({ fill: null })))).toContain('fill="#ffec99"'); // written without paper: yellow
  });

  it('[BOARD-28] its text is drawn inside a viewport of the paper\'s size, so a line of wide glyphs the estimate lets through cannot spill past it', () => {
    const markup = svgMarkup(shapeSvg(note({ text: 'W'.repeat(17) })));
    expect(markup).toMatch(/<svg x="10" y="20" width="200" height="200" overflow="hidden"><text x="12" y="30"[^>]*><tspan x="12" dy="0">W{17}<\/tspan><\/text><\/svg>/);
  });
});

describe('<Whiteboard> sticky notes', () => {
  it('[BOARD-28] the Sticky note tool (N) puts a note centred on the press, written in place; the other member sees it; a colour recolours its paper; a double click edits it', async () => {
    const { a, b } = await twoBoards();
    const surface = a.getByRole('application', { name: 'Whiteboard' });
    act(() => void fireEvent.keyDown(surface, { key: 'n' }));
    expect(a.getByRole('button', { name: 'Sticky note' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(a.getByRole('radio', { name: 'Green' })); // the paper it will be
    drag(surface, [[300, 250]]);
    const editor = a.getByRole('textbox', { name: 'Sticky note text' }) as HTMLTextAreaElement;
    expect([editor.style.left, editor.style.top, editor.style.width, editor.style.height]).toEqual(['200px', '150px', '200px', '200px']);
    fireEvent.change(editor, { target: { value: 'Book the room' } });
    fireEvent.keyDown(editor, { key: 'Enter', ctrlKey: true });
    const seen = await vi.waitFor(() => b.getByRole('listitem', { name: 'Sticky note: Book the room' }), { timeout: 5_000 });
    const paper = () => b.getByRole('listitem', { name: /^Sticky note: / }).querySelector('rect')!.getAttribute('fill');
    expect(paper()).toBe('#b2f2bb');
    expect(seen.querySelector('tspan')?.textContent).toBe('Book the room');

    fireEvent.click(a.getByRole('button', { name: 'Select' }));
    drag(surface, [[300, 250]]); // selects it
    fireEvent.click(a.getByRole('radio', { name: 'Blue' }));
    await vi.waitFor(() => expect(paper()).toBe('#a5d8ff'), { timeout: 5_000 });
    expect(b.getByRole('listitem', { name: /^Sticky note: / }).querySelector('text')!.getAttribute('fill')).toBe('#1e1e1e'); // the ink stays readable

    fireEvent.doubleClick(surface, { clientX: 380, clientY: 330 }); // anywhere on the paper
    const again = a.getByRole('textbox', { name: 'Sticky note text' }) as HTMLTextAreaElement;
    expect(again.value).toBe('Book the room');
    fireEvent.change(again, { target: { value: 'Book the big room' } });
    fireEvent.blur(again);
    await vi.waitFor(() => b.getByRole('listitem', { name: 'Sticky note: Book the big room' }), { timeout: 5_000 });
    expect(shapeIds(b)).toHaveLength(1);
  });

  it('[BOARD-28] from the keyboard: N, then Enter opens a note in the middle of the view; Escape drops it, and an empty one is never added', async () => {
    const { a, b } = await twoBoards();
    const surface = a.getByRole('application', { name: 'Whiteboard' });
    act(() => void fireEvent.keyDown(surface, { key: 'n' }));
    act(() => void fireEvent.keyDown(surface, { key: 'Enter' }));
    const editor = a.getByRole('textbox', { name: 'Sticky note text' }) as HTMLTextAreaElement;
    expect([editor.style.left, editor.style.top]).toEqual(['140px', '60px']); // centred on (240, 160), jsdom's stand-in view
    fireEvent.change(editor, { target: { value: 'never mind' } });
    fireEvent.keyDown(editor, { key: 'Escape' });
    expect(a.queryByRole('textbox', { name: 'Sticky note text' })).toBeNull();
    act(() => void fireEvent.keyDown(surface, { key: 'Enter' }));
    fireEvent.blur(a.getByRole('textbox', { name: 'Sticky note text' })); // left empty
    act(() => void fireEvent.keyDown(surface, { key: 'Enter' }));
    const kept = a.getByRole('textbox', { name: 'Sticky note text' });
    fireEvent.change(kept, { target: { value: 'kept' } });
    fireEvent.blur(kept);
    await vi.waitFor(() => b.getByRole('listitem', { name: 'Sticky note: kept' }), { timeout: 5_000 });
    expect(shapeIds(a)).toHaveLength(1);
  });
});
