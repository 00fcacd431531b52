/**
 * [BOARD-33] Zoom to fit, framework-free: the view that shows a set of shapes. Apart from
 * viewport.ts, which presence reads (board-presence.ts), since it measures shapes as the export does.
 */
import { boardExtent } from './export-svg.js';
import type { Shape } from './shape.js';
import { viewShowing, type BoardView } from './viewport.js';

/**
 * [BOARD-33] The view that shows every one of `shapes` (and a margin) on a surface of `size`,
 * centred, at 100% at most: a lone small shape is centred at its own size, not blown up. With no
 * shapes, the board's origin at 100%.
 */
export function viewFitting(shapes: readonly Shape[], size: { readonly width: number; readonly height: number }): BoardView {
  if (shapes.length === 0) return { x: 0, y: 0, zoom: 1 };
  const e = boardExtent(shapes, 32);
  const fit = viewShowing({ x: e.x, y: e.y, w: e.width, h: e.height }, size);
  if (fit.zoom <= 1) return fit;
  const cx = e.x + e.width / 2, cy = e.y + e.height / 2;
  return { zoom: 1, x: size.width / 2 - cx, y: size.height / 2 - cy };
}
