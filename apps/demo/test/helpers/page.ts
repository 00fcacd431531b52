/** What the tests read from and do on a demo page, as a visitor would. */
import type { Page } from 'playwright-core';

export const status = (page: Page): Promise<string | null> => page.getByRole('status').textContent();
/** The room's save state: Loading…, Saved, Saving…, or Not saved: offline. */
export const saveState = (page: Page): Promise<string | null> => page.locator('.save-state').textContent();
/** The connection banner's text (DEMO-20), or null while there is none. */
export const banner = async (page: Page): Promise<string | null> => {
  const found = page.locator('.connection-banner');
  return (await found.count()) > 0 ? found.textContent() : null;
};
/** The whiteboard's view on `page`: its surface's transform, `translate(x y) scale(zoom)`. */
export const boardView = (page: Page): Promise<string | null> => page.getByRole('application', { name: 'Whiteboard' }).locator(':scope > g').first().getAttribute('transform');
export const shapes = (page: Page): Promise<number> => page.locator('[data-shape-id]').count();
export const names = (page: Page): Promise<string[]> => page.getByRole('list', { name: 'Who is here' }).getByRole('listitem').allTextContents();
export const chatLog = (page: Page) => page.getByRole('log', { name: 'Chat messages' });

/** A pen stroke dragged with the mouse across the whiteboard, `offset` px from its left edge. */
export async function drawStroke(page: Page, offset = 0): Promise<void> {
  const box = await page.getByRole('application', { name: 'Whiteboard' }).boundingBox();
  if (!box) throw new Error('no whiteboard on the page');
  await page.mouse.move(box.x + 40 + offset, box.y + 60);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 40 + offset + i * 12, box.y + 60 + (i % 3) * 10, { steps: 2 });
  await page.mouse.up();
}

/** Types `text` in the `Message` box and sends it with the Send button or, as most people do, Enter. */
export async function sendChat(page: Page, text: string, via: 'button' | 'enter' = 'button'): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  if (via === 'enter') await box.press('Enter');
  else await page.getByRole('button', { name: 'Send' }).click();
}

/** The text of the chat message `author` wrote that reads `text`, on `page` (null until it is there). */
export async function chatMessage(page: Page, author: string, text: string): Promise<string | null> {
  const message = chatLog(page).getByRole('article', { name: new RegExp(`^${author} at`) }).filter({ hasText: text });
  return (await message.count()) === 1 ? message.textContent() : null;
}
