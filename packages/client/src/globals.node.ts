/**
 * Node defaults for the injectable environment: Node 20 has fetch but no global WebSocket, so the
 * `ws` package provides it (Node 22+ has one; `ws` is still preferred for consistent behaviour).
 */
import WebSocket from 'ws';
import { CookieJar } from './cookie-jar.js';
import type { TransportEnv, WebSocketConstructor } from './transport.js';

export function defaultEnv(): TransportEnv {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    document: undefined,
    cookies: new CookieJar(),
  };
}
