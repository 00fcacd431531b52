/**
 * `websocket`: the same URL with a ws(s) scheme, no subprotocol, one text frame per batch holding
 * a JSON array. The socket opens on the first send; a socket that does not open within
 * `openTimeout` (a proxy that swallows the upgrade) counts as a failure so the session can fall back.
 */
import { decodeMessages, encodeMessages } from '../message.js';
import type { Transport, TransportContext, TransportEnv, TransportFactory, WebSocketLike } from '../transport.js';

const OPEN = 1;

export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):/i, 'ws$1:');
}

export const websocket: TransportFactory = {
  name: 'websocket',
  isUsable: (env: TransportEnv, url: string) => env.WebSocket !== undefined && /^(https?|wss?):/i.test(url),
  create(context: TransportContext): Transport {
    const Ctor = context.env.WebSocket;
    if (!Ctor) throw new Error('websocket needs a WebSocket constructor');
    const log = context.logger.child('websocket');
    let socket: WebSocketLike | undefined;
    let opened: Promise<WebSocketLike> | undefined;
    let closedWith: Error | undefined;
    let openTimer: ReturnType<typeof setTimeout> | undefined;
    let rejectOpen: ((error: Error) => void) | undefined;

    const shutdown = (error: Error, report: boolean): void => {
      if (closedWith) return;
      closedWith = error;
      clearTimeout(openTimer);
      rejectOpen?.(error); // sends still waiting for the socket fail now
      if (socket) {
        const s = socket;
        s.onopen = s.onmessage = s.onerror = s.onclose = null;
        // Swallow late errors from the half-open socket; we are done with it.
        s.onerror = () => {};
        try {
          s.close();
        } catch {
          // closing a socket that never connected can throw in some runtimes
        }
      }
      if (report) context.fail(error);
    };

    const open = (): Promise<WebSocketLike> => {
      if (opened) return opened;
      opened = new Promise<WebSocketLike>((resolve, reject) => {
        rejectOpen = reject;
        const url = toWebSocketUrl(context.url);
        log.debug(`opening ${url}`);
        const s = new Ctor(url);
        socket = s;
        const timer = (openTimer = setTimeout(() => {
          const error = new Error(`WebSocket did not open within ${context.openTimeout} ms`);
          reject(error);
          shutdown(error, false);
        }, context.openTimeout));
        s.onopen = () => {
          clearTimeout(timer);
          log.debug('open');
          resolve(s);
        };
        s.onmessage = (event) => {
          if (typeof event.data !== 'string') return log.warn('ignored a binary frame');
          let decoded;
          try {
            decoded = decodeMessages(event.data);
          } catch (error) {
            return log.warn('ignored a frame that is not JSON', error);
          }
          context.receive(decoded.messages);
        };
        s.onerror = () => {
          // The close event that follows carries the detail; before open, fail the opening now.
          if (s.readyState !== OPEN) {
            clearTimeout(timer);
            const error = new Error('WebSocket failed to open');
            reject(error);
            shutdown(error, false);
          }
        };
        s.onclose = (event) => {
          clearTimeout(timer);
          const error = new Error(`WebSocket closed (code ${event.code ?? 'unknown'})`);
          reject(error);
          shutdown(error, true);
        };
      });
      return opened;
    };

    return {
      name: 'websocket',
      async send(messages) {
        if (closedWith) throw closedWith;
        const s = await open();
        if (closedWith) throw closedWith;
        log.debug('send', messages);
        s.send(encodeMessages(messages));
      },
      close: () => shutdown(new Error('websocket transport closed'), false),
    };
  },
};
