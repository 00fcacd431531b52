/**
 * A picture pasted into a browser page, as a screenshot from the clipboard is: a PNG drawn on a
 * canvas in the page, handed to the focused element in a `paste` event. For the Chromium tests of
 * everything that takes pictures (the whiteboard, the chat). No Playwright import: any page with
 * Playwright's `evaluate` will do.
 */

export interface PastedPicture {
  readonly width: number;
  readonly height: number;
  /** Its one colour (default a blue); ignored with `noise`. */
  readonly color?: string;
  /** Random pixels, which compress badly: a photo too large to keep as it is. */
  readonly noise?: boolean;
}

export interface EvaluatingPage {
  evaluate(fn: (picture: PastedPicture) => Promise<number>, picture: PastedPicture): Promise<unknown>;
}

/** Pastes it; resolves to the pasted file's size in bytes. */
export async function pastePicture(page: EvaluatingPage, picture: PastedPicture): Promise<number> {
  const bytes = await page.evaluate(async ({ width, height, color, noise }) => {
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [width, height];
    const g = canvas.getContext('2d')!;
    if (noise) {
      const pixels = g.createImageData(width, height);
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = (i * 2654435761 + Math.random() * 7) >>> 24;
      g.putImageData(pixels, 0, 0);
    } else {
      g.fillStyle = color ?? '#1971c2';
      g.fillRect(0, 0, width, height);
    }
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    return blob.size;
  }, picture);
  return Number(bytes);
}
