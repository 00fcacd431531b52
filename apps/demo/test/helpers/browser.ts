/** Real Chromium through playwright-core: one browser per test file, a context per visitor. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumExecutable } from '@kuiper/testkit';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  // Fails with what is missing before anything starts: browser tests never skip.
  return chromium.launch({ executablePath: chromiumExecutable(), args: ARGS });
}

/** A visitor: a browser context of its own (its own localStorage) with one page open at `url`. */
export async function visit(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}
