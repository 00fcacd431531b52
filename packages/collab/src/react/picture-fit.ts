/**
 * A picture file made to fit before it goes anywhere: onto the board (BOARD-22) or into the chat
 * (CHATUI-11). A file already small enough, and PNG, JPEG, WebP or GIF, is kept as it is,
 * transparency and animation included; any other (too large, too many pixels, or a type the server
 * keeps not: BMP, say) is drawn smaller on a canvas and re-encoded, step by step, until it fits.
 * Browser only (canvas, FileReader).
 */

/** The types kept as they are when they fit (the ones the assets server takes: COLLAB-47). */
const KEPT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const RASTER = /^data:image\/(?:png|jpeg|webp|gif);base64,./;

export interface PictureLimits {
  /** The longest side a picture keeps, in pixels. */
  readonly maxSide: number;
  /** The longest its `data:` URL may be, in characters (~4/3 of its bytes). */
  readonly maxChars: number;
}

/** A file's bytes as a `data:` URL. */
export const readDataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });

/** A `data:` URL's bytes as a Blob of its type (the twin of readDataUrl). */
export const dataUrlBlob = async (src: string): Promise<Blob> => (await fetch(src)).blob();

/** The picture at `side` pixels at most on its longest side, as WebP (JPEG where WebP cannot be encoded). */
export function encodeSmaller(bitmap: ImageBitmap, side: number, quality: number): string {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const webp = canvas.toDataURL('image/webp', quality);
  return webp.startsWith('data:image/webp') ? webp : canvas.toDataURL('image/jpeg', quality);
}

/**
 * `file` (decoded as `bitmap`) as a data URL within `limits` that `accept` takes too, or undefined
 * when even 200 px at low quality does not fit. Each step down keeps 70% of the side and a little
 * less quality, so a photo of any size takes a handful of encodes.
 */
export async function fitPicture(file: Blob, bitmap: ImageBitmap, limits: PictureLimits, accept: (src: string) => boolean = () => true): Promise<string | undefined> {
  // A canvas that cannot encode gives `data:,` (nothing): never a fit.
  const fits = (src: string): boolean => src.length <= limits.maxChars && RASTER.test(src) && accept(src);
  const keep = KEPT_TYPES.includes(file.type) && (file.size * 4) / 3 < limits.maxChars && Math.max(bitmap.width, bitmap.height) <= limits.maxSide;
  let src = keep ? await readDataUrl(file) : '';
  for (let side = limits.maxSide, quality = 0.85; !fits(src) && side >= 200; side = Math.round(side * 0.7), quality = Math.max(0.5, quality - 0.1)) {
    src = encodeSmaller(bitmap, side, quality);
  }
  return fits(src) ? src : undefined;
}

/** Decodes `file`, or rejects with a sentence a person can read. The caller closes the bitmap. */
export async function decodePicture(file: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch {
    throw new Error('This picture could not be read');
  }
}
