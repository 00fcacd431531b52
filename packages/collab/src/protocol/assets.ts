/**
 * [COLLAB-47] Assets: pictures a room's document refers to instead of holding. An asset's id is the
 * SHA-256 of its bytes (lowercase hex), so the same picture is stored once per room however often it
 * is placed, and a reference in the document — the image shape's `src`, `asset:<id>` — is 71
 * characters where an inline picture was up to two million. Shared by the client (which uploads and
 * resolves) and the server (which checks and serves).
 */

/** The raster formats an asset may be: an SVG could carry script. */
export type PictureType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

const ASSET_SRC = /^asset:([0-9a-f]{64})$/;
/** The same reference anywhere in a text (COLLAB-48 reads a room's stored bytes for them). */
const ASSET_REFERENCE = /asset:([0-9a-f]{64})/g;

export const isAssetId = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);

/** The asset ids of every `asset:<id>` in `text`, wherever they stand. */
export function assetIdsIn(text: string): string[] {
  return [...text.matchAll(ASSET_REFERENCE)].map((match) => match[1]!);
}

/** The `src` an image shape carries for asset `id`. */
export const assetSrc = (id: string): string => `asset:${id}`;

/** The asset id of an `asset:<id>` src, else undefined (an inline `data:` picture, say). */
export function assetIdOf(src: string): string | undefined {
  return ASSET_SRC.exec(src)?.[1];
}

const startsWith = (bytes: Uint8Array, at: number, ...values: number[]): boolean => values.every((v, i) => bytes[at + i] === v);

/**
 * What picture `bytes` are, by their first bytes (never by what the uploader claims): PNG, JPEG,
 * WebP or GIF, else undefined.
 */
export function pictureType(bytes: Uint8Array): PictureType | undefined {
  if (startsWith(bytes, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (startsWith(bytes, 0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (startsWith(bytes, 0, 0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  // RIFF <size> WEBP
  if (startsWith(bytes, 0, 0x52, 0x49, 0x46, 0x46) && startsWith(bytes, 8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}
