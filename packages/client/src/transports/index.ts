/** The built-in transports, registered once, and the default preference order. */
import { registerTransport } from '../transport.js';
import { callbackPolling } from './callback-polling.js';
import { eventsource } from './eventsource.js';
import { foreverFrame } from './forever-frame.js';
import { longPolling } from './long-polling.js';
import { multipartMime } from './multipart-mime.js';
import { websocket } from './websocket.js';

for (const transport of [websocket, eventsource, multipartMime, longPolling, callbackPolling, foreverFrame]) {
  registerTransport(transport);
}

/**
 * Fastest first; long-polling works everywhere; callback-polling is the cross-origin last resort.
 * The streaming transports are opt-in (list them in `transports`): Faye lists an `eventsource` of
 * its own wire format, and streams cost a fallback delay behind buffering proxies.
 */
export const DEFAULT_TRANSPORTS = ['websocket', 'long-polling', 'callback-polling'] as const;

/** Every built-in transport, streaming ones included, in a sensible preference order. */
export const ALL_TRANSPORTS = ['websocket', 'eventsource', 'multipart-mime', 'long-polling', 'forever-frame', 'callback-polling'] as const;

export { callbackPolling, eventsource, foreverFrame, longPolling, multipartMime, websocket };
