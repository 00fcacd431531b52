/**
 * A shape as SVG, described as plain data (BOARD-12): the `<Whiteboard>` component renders these
 * descriptions as React elements and the SVG export serialises the very same ones, so what is
 * downloaded is what is on screen. Pen strokes are smoothed and given pressure-shaped width by
 * `perfect-freehand` (a tiny, dependency-free library made for exactly this: an outline polygon
 * from raw pointer samples).
 */
import { getStroke } from 'perfect-freehand';
import type { LiveStroke } from './board-presence.js';
import { centreOfBox } from './geometry.js';
import { frameOf } from './hit-test.js';
import type { Shape } from './shape.js';
import { NOTE_FONT_SIZE, NOTE_LINE_HEIGHT, NOTE_PADDING, noteLines, paperOf } from './sticky-note.js';
import { textFontSize, textLineAdvance, textLines } from './text-box.js';

export interface SvgNode {
  readonly tag: 'g' | 'svg' | 'path' | 'rect' | 'ellipse' | 'line' | 'text' | 'tspan' | 'image';
  /** SVG attribute names as in the markup (`stroke-width`); values are numbers or safe strings. */
  readonly attrs: Readonly<Record<string, string | number>>;
  readonly children?: readonly SvgNode[];
  readonly text?: string;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** The filled outline of a freehand stroke through `points` (flat x, y, pressure triples). */
export function penPath(points: readonly number[], width: number, offsetX = 0, offsetY = 0): string {
  const input: Array<[number, number, number]> = [];
  let hasPressure = false;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const pressure = points[i + 2]!;
    if (pressure !== 0.5 && pressure > 0) hasPressure = true;
    input.push([points[i]! + offsetX, points[i + 1]! + offsetY, pressure > 0 ? pressure : 0.5]);
  }
  if (input.length === 0) return '';
  // Mouse input has no pressure: let perfect-freehand simulate it from speed instead.
  const outline = getStroke(input, { size: width * 2.5, thinning: 0.5, smoothing: 0.5, streamline: 0.4, simulatePressure: !hasPressure, last: true });
  if (outline.length === 0) return '';
  const [first, ...rest] = outline;
  return `M${round(first![0])} ${round(first![1])}` + rest.map(([x, y]) => `L${round(x)} ${round(y)}`).join('') + 'Z';
}

function arrowHead(x1: number, y1: number, x2: number, y2: number, width: number): string {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = Math.max(8, width * 4);
  const spread = Math.PI / 7;
  const ax = x2 - size * Math.cos(angle - spread), ay = y2 - size * Math.sin(angle - spread);
  const bx = x2 - size * Math.cos(angle + spread), by = y2 - size * Math.sin(angle + spread);
  return `M${round(x2)} ${round(y2)}L${round(ax)} ${round(ay)}L${round(bx)} ${round(by)}Z`;
}

export interface ShapeSvgOptions {
  /**
   * [BOARD-24] The URL an image's `asset:<id>` picture is fetched from (`room.assets.url`), or
   * undefined where there is none (a server's preview): the image is then drawn from its thumbnail
   * (BOARD-25), or as a grey box if it has none.
   */
  assetUrl?: (src: string) => string | undefined;
}

/**
 * [BOARD-41] The `transform` that turns what is drawn in a shape's upright box (`frameOf`: a text's
 * estimated one) about the box's centre, or nothing for an upright shape: the shape, its thumbnail
 * and its outlines all take it, so they turn about the pivot `board.rotate` and the hit-testing use.
 */
export function turnAttrs(shape: Shape): { transform?: string } {
  if (!shape.rotation) return {};
  const c = centreOfBox(frameOf(shape));
  return { transform: `rotate(${round(shape.rotation)} ${round(c.x)} ${round(c.y)})` };
}

/** The SVG of one shape; its outermost node carries `data-shape-id`. */
export function shapeSvg(shape: Shape, options: ShapeSvgOptions = {}): SvgNode {
  const id = { 'data-shape-id': shape.id, 'data-shape-kind': shape.kind, ...turnAttrs(shape) };
  const stroke = { stroke: shape.color, 'stroke-width': shape.width, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
  const box = { x: Math.min(shape.x, shape.x + shape.w), y: Math.min(shape.y, shape.y + shape.h), w: Math.abs(shape.w), h: Math.abs(shape.h) };
  switch (shape.kind) {
    case 'pen':
      return { tag: 'path', attrs: { ...id, d: penPath(shape.points, shape.width, shape.x, shape.y), fill: shape.color } };
    case 'rect':
      return { tag: 'rect', attrs: { ...id, ...stroke, x: box.x, y: box.y, width: box.w, height: box.h, fill: shape.fill ?? 'none' } };
    case 'ellipse':
      return { tag: 'ellipse', attrs: { ...id, ...stroke, cx: box.x + box.w / 2, cy: box.y + box.h / 2, rx: box.w / 2, ry: box.h / 2, fill: shape.fill ?? 'none' } };
    case 'line':
      return { tag: 'line', attrs: { ...id, ...stroke, x1: shape.x, y1: shape.y, x2: shape.x + shape.w, y2: shape.y + shape.h } };
    case 'arrow': {
      const [x2, y2] = [shape.x + shape.w, shape.y + shape.h];
      return {
        tag: 'g',
        attrs: id,
        children: [
          { tag: 'line', attrs: { ...stroke, x1: shape.x, y1: shape.y, x2, y2 } },
          { tag: 'path', attrs: { d: arrowHead(shape.x, shape.y, x2, y2, shape.width), fill: shape.color } },
        ],
      };
    }
    case 'text': {
      const size = textFontSize(shape.width);
      return {
        tag: 'text',
        attrs: { ...id, x: shape.x, y: shape.y + size, fill: shape.color, 'font-size': size, 'font-family': 'system-ui, sans-serif' },
        children: textLines(shape.text).map((line, i) => ({ tag: 'tspan', attrs: { x: shape.x, dy: i === 0 ? 0 : textLineAdvance(shape.width) }, text: line })),
      };
    }
    case 'note': {
      // [BOARD-28] Paper, then the text wrapped inside it (lines estimated: no measuring here).
      const lines = noteLines(shape.text, box.w, box.h);
      const lineHeight = NOTE_FONT_SIZE * NOTE_LINE_HEIGHT;
      return {
        tag: 'g',
        attrs: id,
        children: [
          { tag: 'rect', attrs: { x: box.x, y: box.y, width: box.w, height: box.h, rx: 4, fill: paperOf(shape), stroke: '#00000026', 'stroke-width': 1 } },
          {
            // The wrapping is estimated, so a line of wide glyphs ("WWWW…") may run long: an inner
            // viewport of the paper's size hides what would spill past its edge (no id to clash).
            tag: 'svg',
            attrs: { x: box.x, y: box.y, width: box.w, height: box.h, overflow: 'hidden' },
            children: [{
              tag: 'text',
              attrs: { x: NOTE_PADDING, y: NOTE_PADDING + NOTE_FONT_SIZE, fill: shape.color, 'font-size': NOTE_FONT_SIZE, 'font-family': 'system-ui, sans-serif' },
              children: lines.map((line, i) => ({ tag: 'tspan', attrs: { x: NOTE_PADDING, dy: i === 0 ? 0 : lineHeight }, text: line })),
            }],
          },
        ],
      };
    }
    case 'image': {
      // [BOARD-22] Stretched to its box, as a resize leaves it; an inline picture goes into an export as it is.
      // [BOARD-25] An asset with nowhere to fetch it from: its thumbnail, stretched the same way.
      const src = shape.src ?? '';
      const href = src.startsWith('data:') ? src : (options.assetUrl?.(src) ?? shape.thumb);
      if (href === undefined) return { tag: 'rect', attrs: { ...id, x: box.x, y: box.y, width: box.w, height: box.h, fill: '#e9ecef', stroke: '#ced4da', 'stroke-width': 1 } };
      return { tag: 'image', attrs: { ...id, x: box.x, y: box.y, width: box.w, height: box.h, href, preserveAspectRatio: 'none' } };
    }
  }
}

/** A stroke another member is drawing right now (from presence), drawn like a pen shape. */
export function liveStrokeSvg(stroke: LiveStroke, key: string): SvgNode {
  return { tag: 'path', attrs: { 'data-live-stroke': key, d: penPath(stroke.points, stroke.width), fill: stroke.color, opacity: 0.8 } };
}

const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markup of one node (attributes and text escaped). */
export function svgMarkup(node: SvgNode): string {
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
  const inner = (node.text !== undefined ? escapeXml(node.text) : '') + (node.children ?? []).map(svgMarkup).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}
