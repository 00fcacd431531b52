/**
 * [BOARD-22] A picture file (pasted, dropped or picked) as an image shape's fields: its data URL,
 * made small enough for the document (picture-fit.ts), and a size on the board. Each also gets a
 * thumbnail (BOARD-25) for where the full picture cannot be fetched.
 */
import { isImageSrc, isThumbSrc, SHAPE_LIMITS, type NewShape } from '../../whiteboard/shape.js';
import { decodePicture, encodeSmaller, fitPicture, type PictureLimits } from '../picture-fit.js';

/** A picture in a shape: at most 1600 px on its longest side, and a src the document takes. */
const BOARD_PICTURE: PictureLimits = { maxSide: 1600, maxChars: SHAPE_LIMITS.src };
/** The widest a new image lands on the board, in board units (it can be resized after). */
const MAX_ON_BOARD = 480;
/** [BOARD-25] The longest side of a thumbnail, in pixels: the lobby's preview draws a board ~120 px wide. */
export const THUMB_SIDE = 128;

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

/** [BOARD-29] A thumbnail of a picture's bytes (one fetched from the room's assets), or undefined if none fits. */
export async function thumbnailOf(file: Blob): Promise<string | undefined> {
  const bitmap = await decodePicture(file);
  try {
    return thumbnail(bitmap);
  } finally {
    bitmap.close();
  }
}

/**
 * The fields of an image shape for `file`, centred on `at`; rejects with a sentence a person can
 * read when the file is no picture or cannot be made to fit.
 */
export async function imageShapeFromFile(file: Blob, at: { x: number; y: number }, zoom: number): Promise<NewShape> {
  if (!file.type.startsWith('image/')) throw new Error('Only pictures can go on the board');
  const bitmap = await decodePicture(file);
  try {
    const src = await fitPicture(file, bitmap, BOARD_PICTURE, isImageSrc);
    if (src === undefined) throw new Error('This picture is too large for the board');
    // On screen at most MAX_ON_BOARD px wide or tall at the current zoom, never larger than the picture.
    const fit = Math.min(1, MAX_ON_BOARD / zoom / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * fit)), h = Math.max(1, Math.round(bitmap.height * fit));
    const thumb = thumbnail(bitmap);
    return { kind: 'image', x: at.x - w / 2, y: at.y - h / 2, w, h, src, ...(thumb === undefined ? {} : { thumb }) };
  } finally {
    bitmap.close();
  }
}
