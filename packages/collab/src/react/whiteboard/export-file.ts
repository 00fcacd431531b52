/**
 * Export of the board as a file (BOARD-12): SVG from the same descriptions the screen draws, PNG by
 * painting that SVG on a canvas. Browser APIs are touched only when the user asks for a file.
 */
import { boardExtent, boardToSvg } from '../../whiteboard/export-svg.js';
import type { RoomAssets } from '../../client/assets.js';
import type { Shape } from '../../whiteboard/shape.js';
import { readDataUrl } from '../picture-fit.js';

export interface ExportedFile {
  readonly name: string;
  readonly type: 'image/svg+xml' | 'image/png';
  readonly blob: Blob;
}

/**
 * [BOARD-24] The shapes with each asset picture fetched and made inline, so the file stands alone (a
 * browser draws no outside picture in an SVG it paints on a canvas). A picture that cannot be
 * fetched stays a reference, drawn as a grey box.
 */
export async function inlineAssets(shapes: readonly Shape[], assets: RoomAssets | undefined): Promise<readonly Shape[]> {
  if (!assets) return shapes;
  return Promise.all(
    shapes.map(async (shape) => {
      const url = shape.kind === 'image' && shape.src !== undefined ? assets.url(shape.src) : undefined;
      if (url === undefined) return shape;
      try {
        const response = await fetch(url);
        return response.ok ? { ...shape, src: await readDataUrl(await response.blob()) } : shape;
      } catch {
        return shape;
      }
    }),
  );
}

export function svgFile(shapes: readonly Shape[], name = 'whiteboard'): ExportedFile {
  return { name: `${name}.svg`, type: 'image/svg+xml', blob: new Blob([boardToSvg(shapes)], { type: 'image/svg+xml' }) };
}

/** Paints the board's SVG on a canvas at `scale` (2: sharp on high-density screens) and encodes a PNG. */
export async function pngFile(shapes: readonly Shape[], name = 'whiteboard', scale = 2): Promise<ExportedFile> {
  const extent = boardExtent(shapes);
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(boardToSvg(shapes))}`;
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the browser could not draw the board as an image'));
    image.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(extent.width * scale);
  canvas.height = Math.ceil(extent.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas in this browser');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode a PNG');
  return { name: `${name}.png`, type: 'image/png', blob };
}

/** Saves a file through a temporary link (works in every browser without a dialog API). */
export function downloadFile(file: ExportedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
