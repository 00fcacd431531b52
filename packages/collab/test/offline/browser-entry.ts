// Bundled by esbuild for the Chromium test (offline-browser.test.ts): the real client and enterRoom,
// from source, on `window.collab`.
import { createClient } from '@kuiper/client';
import { enterRoom } from '../../src/index.js';

(globalThis as Record<string, unknown>)['collab'] = { createClient, enterRoom };
