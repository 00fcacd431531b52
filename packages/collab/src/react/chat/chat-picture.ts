/**
 * [CHATUI-11] A picture for the chat, made to fit before it is uploaded: a phone's photo or a large
 * screen's screenshot (often several MB, over the server's 8 MiB or filling the room's 100 MiB in a
 * few dozen) goes at most 2560 px on its longest side and ~1.5 MiB; one already within both, and of
 * a type the server keeps, goes as it is (a crisp screenshot, an animated GIF).
 */
import { dataUrlBlob, decodePicture, fitPicture, type PictureLimits } from '../picture-fit.js';

export const CHAT_PICTURE: PictureLimits = { maxSide: 2560, maxChars: 2 * 1024 * 1024 };

/** `file` as the bytes to upload; rejects with a sentence a person can read. */
export async function chatPicture(file: Blob): Promise<Blob> {
  const bitmap = await decodePicture(file);
  try {
    const src = await fitPicture(file, bitmap, CHAT_PICTURE);
    if (src === undefined) throw new Error('This picture could not be made small enough');
    return await dataUrlBlob(src);
  } finally {
    bitmap.close();
  }
}
