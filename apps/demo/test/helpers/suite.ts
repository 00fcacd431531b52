/**
 * One built demo process and one Chromium per test file: built (if stale) and started before the
 * file's tests, stopped after them with its data folder.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { buildDemo, removeDataDir, startDemo, type DemoOptions, type DemoProcess } from './demo.js';

export interface DemoSuite {
  readonly demo: DemoProcess;
  readonly browser: Browser;
  /** Stops the process and starts another on the same port and data folder. */
  restart(): Promise<void>;
}

export function demoSuite(options: DemoOptions = {}): DemoSuite {
  let demo: DemoProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await buildDemo();
    demo = await startDemo(options);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (demo) removeDataDir(demo.dataDir);
  });
  return {
    get demo() {
      if (!demo) throw new Error('the demo is not started yet (use it inside a test)');
      return demo;
    },
    restart: async () => {
      if (!demo) throw new Error('the demo is not started yet');
      const { port, dataDir } = demo;
      await demo.stop();
      demo = await startDemo({ ...options, port, dataDir });
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet (use it inside a test)');
      return browser;
    },
  };
}
