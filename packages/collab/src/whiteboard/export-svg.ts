/**
 * The whole board as a standalone SVG document (BOARD-12): every shape, back to front, in a view
 * box fitted to their bounds with a margin. Framework-free, so a server can render a board too.
 */
import { shapeSvg, svgMarkup, type ShapeSvgOptions } from './shape-svg.js';
import { boxOf } from './hit-test.js';
import { shapeBounds, type Shape } from './shape.js';
import { textFontSize, textLineAdvance, textLines } from './text-box.js';

export interface SvgExportOptions extends ShapeSvgOptions {
  /** Around the shapes, in board units; default 16. */
  margin?: number;
  /** Painted behind the shapes; default white (null: transparent). */
  background?: string | null;
}

export interface BoardExtent {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The box covering every shape plus the margin (a small default box for an empty board). */
export function boardExtent(shapes: readonly Shape[], margin = 16): BoardExtent {
  if (shapes.length === 0) return { x: 0, y: 0, width: 320, height: 200 };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const shape of shapes) {
    // [BOARD-41] A turned text's own x and y are no longer a corner of it: round its turned box.
    const b = shape.kind === 'text' && shape.rotation ? boxOf(shape) : shapeBounds(shape);
    const pad = shape.width + (shape.kind === 'text' ? textFontSize(shape.width) : 0);
    const box = boxOf(shape); // a text's width as hit-testing estimates it
    const right = box.x + box.w;
    // [BOARD-10] An upright text's further lines, below its first: a turned one's box holds them already.
    const below = shape.kind === 'text' && !shape.rotation ? (textLines(shape.text).length - 1) * textLineAdvance(shape.width) : 0;
    minX = Math.min(minX, b.x - pad); minY = Math.min(minY, b.y - pad);
    maxX = Math.max(maxX, right + pad); maxY = Math.max(maxY, b.y + b.h + pad * 2 + below);
  }
  return { x: minX - margin, y: minY - margin, width: maxX - minX + 2 * margin, height: maxY - minY + 2 * margin };
}

export function boardToSvg(shapes: readonly Shape[], options: SvgExportOptions = {}): string {
  const e = boardExtent(shapes, options.margin ?? 16);
  const background = options.background === undefined ? '#ffffff' : options.background;
  const fill = background === null ? '' : `<rect x="${e.x}" y="${e.y}" width="${e.width}" height="${e.height}" fill="${background.replace(/[^#0-9a-zA-Z]/g, '')}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${e.x} ${e.y} ${e.width} ${e.height}" width="${Math.ceil(e.width)}" height="${Math.ceil(e.height)}">` +
    fill +
    shapes.map((s) => svgMarkup(shapeSvg(s, options))).join('') +
    '</svg>'
  );
}
