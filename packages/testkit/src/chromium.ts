/**
 * Where the browser tests find Chromium. A missing browser fails those tests with this message —
 * it never skips them: a skipped browser suite reads as green while nothing was tested.
 */
import { existsSync } from 'node:fs';

/** The default executable; `KUIPER_CHROMIUM` points elsewhere. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium executable to launch, or an error saying what is missing and how to fix it. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const path = env['KUIPER_CHROMIUM'] || DEFAULT_CHROMIUM;
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: the browser tests need it. Install Chromium there ` +
        `(e.g. apt-get install chromium) or set KUIPER_CHROMIUM to its executable.`,
    );
  }
  return path;
}
