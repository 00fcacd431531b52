/**
 * [BOARD-22] A picture file (pasted, dropped or picked) as an image shape's fields: its data URL,
 * made small enough for the document, and a size on the board. A file already small enough (and
 * PNG, JPEG, WebP or GIF) is kept as it is, transparency and animation included; a larger one is
 * drawn smaller on a canvas and re-encoded, step by step, until it fits. Each also gets a thumbnail
 * (BOARD-25) for where the full picture cannot be fetched.
 */
import { isImageSrc, isThumbSrc, SHAPE_LIMITS, type NewShape } from '../../whiteboard/shape.js';

/** The longest side a re-encoded picture keeps, in pixels. */
const MAX_SIDE = 1600;
/** The widest a new image lands on the board, in board units (it can be resized after). */
const MAX_ON_BOARD = 480;
const KEPT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
/** [BOARD-25] The longest side of a thumbnail, in pixels: the lobby's preview draws a board ~120 px wide. */
export const THUMB_SIDE = 128;

/** A file's bytes as a `data:` URL. */
export const readDataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });

/** The picture at `side` pixels at most on its longest side, as WebP (JPEG where WebP cannot be encoded). */
function encodeSmaller(bitmap: ImageBitmap, side: number, quality: number): string {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const webp = canvas.toDataURL('image/webp', quality);
  return webp.startsWith('data:image/webp') ? webp : canvas.toDataURL('image/jpeg', quality);
}

/**
 * [BOARD-25] The picture as a thumbnail data URL of at most THUMB_SIDE px (smaller if it must be, to
 * fit SHAPE_LIMITS.thumb), or undefined if even a tiny one does not fit: the shape then has none.
 */
function thumbnail(bitmap: ImageBitmap): string | undefined {
  for (let side = THUMB_SIDE, quality = 0.7; side >= 16; side = Math.round(side * 0.7), quality = Math.max(0.4, quality - 0.1)) {
    const thumb = encodeSmaller(bitmap, side, quality);
    if (isThumbSrc(thumb)) return thumb;
  }
  return undefined;
}

/**
 * The fields of an image shape for `file`, centred on `at`; rejects with a sentence a person can
 * read when the file is no picture or cannot be made to fit.
 */
export async function imageShapeFromFile(file: Blob, at: { x: number; y: number }, zoom: number): Promise<NewShape> {
  if (!file.type.startsWith('image/')) throw new Error('Only pictures can go on the board');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error('This picture could not be read');
  }
  try {
    let src = KEPT_TYPES.includes(file.type) && file.size * 1.4 < SHAPE_LIMITS.src && Math.max(bitmap.width, bitmap.height) <= MAX_SIDE ? await readDataUrl(file) : '';
    for (let side = MAX_SIDE, quality = 0.85; !isImageSrc(src) && side >= 200; side = Math.round(side * 0.7), quality = Math.max(0.5, quality - 0.1)) {
      src = encodeSmaller(bitmap, side, quality);
    }
    if (!isImageSrc(src)) throw new Error('This picture is too large for the board');
    // On screen at most MAX_ON_BOARD px wide or tall at the current zoom, never larger than the picture.
    const fit = Math.min(1, MAX_ON_BOARD / zoom / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * fit)), h = Math.max(1, Math.round(bitmap.height * fit));
    const thumb = thumbnail(bitmap);
    return { kind: 'image', x: at.x - w / 2, y: at.y - h / 2, w, h, src, ...(thumb === undefined ? {} : { thumb }) };
  } finally {
    bitmap.close();
  }
}
