/**
 * Browser (and any runtime with web globals) defaults for the injectable environment.
 * The Node variant, globals.node.ts, is chosen by the `node` export condition in package.json.
 */
import type { FetchLike, TransportEnv, WebSocketConstructor } from './transport.js';

export function defaultEnv(): TransportEnv {
  const g = globalThis as { fetch?: FetchLike; WebSocket?: WebSocketConstructor; document?: Document };
  return {
    fetch: g.fetch ? g.fetch.bind(globalThis) : undefined,
    WebSocket: g.WebSocket,
    document: g.document,
    cookies: undefined,
  };
}
