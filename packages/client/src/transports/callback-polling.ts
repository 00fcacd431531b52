/**
 * `callback-polling` (JSONP): each batch is a GET of a script tag with `message=<json>` and
 * `jsonp=<callback>`; the server answers `callback([...])`. For browsers that cannot POST
 * cross-origin; needs a DOM, so it is not usable in Node.
 */
import { decodeMessages, encodeMessages } from '../message.js';
import type { Transport, TransportContext, TransportEnv, TransportFactory } from '../transport.js';
import { HttpSlots } from './http-slots.js';

let sequence = 0;

export const callbackPolling: TransportFactory = {
  name: 'callback-polling',
  isUsable: (env: TransportEnv, url: string) => env.document !== undefined && /^https?:/i.test(url),
  create(context: TransportContext): Transport {
    const doc = context.env.document;
    if (!doc) throw new Error('callback-polling needs a document');
    const log = context.logger.child('callback-polling');
    const globals = globalThis as unknown as Record<string, unknown>;
    const slots = new HttpSlots(
      (messages, _timeoutMs, signal) =>
        new Promise<void>((resolve, reject) => {
          // The callback name must be a plain identifier: servers validate it before echoing it.
          const callback = `__kuiperJsonp${++sequence}`;
          const script = doc.createElement('script');
          const cleanup = (): void => {
            delete globals[callback];
            script.remove();
            signal.removeEventListener('abort', onAbort);
          };
          const onAbort = (): void => {
            // A late answer must not throw "callback is not defined" in the page.
            globals[callback] = () => {};
            script.remove();
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          };
          signal.addEventListener('abort', onAbort);
          globals[callback] = (payload: unknown) => {
            cleanup();
            try {
              context.receive(decodeMessages(payload).messages);
              resolve();
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          };
          script.onerror = () => {
            cleanup();
            reject(new Error(`callback-polling request to ${context.url} failed`));
          };
          const separator = context.url.includes('?') ? '&' : '?';
          script.src = `${context.url}${separator}jsonp=${callback}&message=${encodeURIComponent(encodeMessages(messages))}`;
          log.debug('GET', messages);
          doc.head.appendChild(script);
        }),
    );
    return {
      name: 'callback-polling',
      send: (messages, options) => slots.send(messages, options),
      close: () => slots.close(new Error('callback-polling transport closed')),
    };
  },
};
