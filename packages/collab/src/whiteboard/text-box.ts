/**
 * [BOARD-10] How a text is laid out, in one place: the drawing (shape-svg.ts) sets its lines with
 * these numbers and the box estimate (`frameOf`) reads the same ones, so the outline, the hit area,
 * the snap, the export's extent and the pivot it turns about cover the lines that are drawn. Nothing
 * here measures glyphs (an export and a server's preview cannot), so the width is an estimate.
 */

/** A text's font size, in board units: it grows with the chosen width. */
export const textFontSize = (width: number): number => 16 + width * 2;

/** Lines of a text are this many font sizes apart. */
export const TEXT_LINE_SPACING = 1.25;

/** From one line's baseline to the next's, in board units (the SVG's `dy` between its `tspan`s). */
export const textLineAdvance = (width: number): number => textFontSize(width) * TEXT_LINE_SPACING;

/**
 * Board units a character is estimated to take: half its font size. Measured in Chromium (system-ui,
 * sans-serif, a mix of words, capitals and digits) a character averages 0.53 of the size at every
 * size. It was 10 whatever the size: right for a thin text (20), but a medium text's outline and hit
 * area stopped at four fifths of its words and a thick one's at three fifths.
 */
export const textCharWidth = (width: number): number => textFontSize(width) / 2;

/** Room kept under a line's baseline for its descenders (a one-line text's box is its size plus this). */
export const TEXT_DESCENT = 4;

/** The lines a text is drawn in: one per newline (Shift+Enter, or Enter, in the editor). */
export const textLines = (text: string): string[] => text.split('\n');

/**
 * The room a text's characters are estimated to take, from its first line's top: as wide as its
 * longest line (half the font size a character), as tall as its first line (the font size plus
 * TEXT_DESCENT) plus one line spacing for each further line. A thin text's one line is as it always was.
 */
export function textExtent(text: string, width: number): { w: number; h: number } {
  const lines = textLines(text);
  const longest = lines.reduce((most, line) => Math.max(most, line.length), 0);
  return { w: longest * textCharWidth(width), h: textFontSize(width) + TEXT_DESCENT + (lines.length - 1) * textLineAdvance(width) };
}
