/**
 * [BOARD-28] Sticky notes: a `note` shape is a square of coloured paper with its text wrapped inside
 * (`fill` the paper, `color` the ink, `w` × `h` the box). Pure: how a note is laid out, the same for
 * the board, an export and a server's preview, none of which can measure text, so lines are cut
 * at an estimated width.
 */
import type { Shape } from './shape.js';

/** A new note's side, in board units. */
export const NOTE_SIZE = 200;
export const NOTE_PADDING = 12;
export const NOTE_FONT_SIZE = 18;
export const NOTE_LINE_HEIGHT = 1.3;
/** A note's ink unless chosen otherwise: paper colours are light. */
export const NOTE_INK = '#1e1e1e';

/** The palette's colours (BOARD-3) as paper: a note is never black, and each colour has its pastel. */
const PAPERS: Readonly<Record<string, string>> = {
  '#1e1e1e': '#ffec99', // black: the classic yellow
  '#e03131': '#ffc9c9',
  '#2f9e44': '#b2f2bb',
  '#1971c2': '#a5d8ff',
  '#f08c00': '#ffd8a8',
  '#9c36b5': '#eebefa',
};
export const NOTE_PAPER = '#ffec99';

/** The paper for a colour of the palette (a colour outside it is used as it is). */
export const notePaper = (color: string): string => PAPERS[color.toLowerCase()] ?? color;

/** Roughly how wide a character of system-ui is, as a share of the font size (no measuring off a page). */
const CHAR_WIDTH = 0.55;

/**
 * The note's text as the lines that fit its box: words wrapped at the estimated width (a word
 * longer than a line is cut), the author's line breaks kept, and a last line ending in `…` when
 * the text runs past the bottom.
 */
export function noteLines(text: string, w: number, h: number): string[] {
  const perLine = Math.max(1, Math.floor((Math.abs(w) - 2 * NOTE_PADDING) / (NOTE_FONT_SIZE * CHAR_WIDTH)));
  const room = Math.max(1, Math.floor((Math.abs(h) - 2 * NOTE_PADDING) / (NOTE_FONT_SIZE * NOTE_LINE_HEIGHT)));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = [...word];
      while (rest.length > 0) {
        const gap = line === '' ? 0 : 1;
        const fits = perLine - [...line].length - gap;
        if (rest.length <= fits) {
          line = line === '' ? rest.join('') : `${line} ${rest.join('')}`;
          rest = [];
        } else if (line !== '') {
          lines.push(line);
          line = '';
        } else {
          lines.push(rest.slice(0, perLine).join(''));
          rest = rest.slice(perLine);
        }
      }
    }
    lines.push(line);
  }
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length <= room) return lines;
  const kept = lines.slice(0, room);
  const last = [...kept[room - 1]!];
  kept[room - 1] = `${last.slice(0, Math.max(0, perLine - 1)).join('')}…`;
  return kept;
}

/** A note's paper: its fill, or the classic yellow for one written without. */
export const paperOf = (shape: Pick<Shape, 'fill'>): string => shape.fill ?? NOTE_PAPER;
