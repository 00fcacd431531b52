/**
 * `long-polling`: each batch is a POST of a JSON array; the reply body is a JSON array holding
 * the replies and any queued deliveries. Needs only `fetch`, so it works in every runtime.
 */
import type { Logger } from '../logger.js';
import { decodeMessages, encodeMessages } from '../message.js';
import type { Transport, TransportContext, TransportEnv, TransportFactory } from '../transport.js';
import { HttpSlots, type Exchange } from './http-slots.js';

/** One POST exchange; the streaming transports send everything but their stream this way too. */
export function postExchange(context: TransportContext, log: Logger): Exchange {
  const fetchFn = context.env.fetch;
  if (!fetchFn) throw new Error('HTTP transports need fetch');
  return async (messages, _timeoutMs, signal) => {
    log.debug('POST', messages);
    const jar = context.env.cookies;
    const cookie = jar?.header();
    const response = await fetchFn(context.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8', ...(cookie ? { Cookie: cookie } : {}) },
      body: encodeMessages(messages),
      signal,
    });
    if (jar) jar.store(response.headers.getSetCookie?.() ?? []);
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${context.url}`);
    const { messages: replies, dropped } = decodeMessages(text);
    if (dropped > 0) log.warn(`dropped ${dropped} malformed entries from the response`);
    log.debug('response', replies);
    context.receive(replies);
  };
}

export const longPolling: TransportFactory = {
  name: 'long-polling',
  isUsable: (env: TransportEnv, url: string) => env.fetch !== undefined && /^https?:/i.test(url),
  create(context: TransportContext): Transport {
    const slots = new HttpSlots(postExchange(context, context.logger.child('long-polling')));
    return {
      name: 'long-polling',
      send: (messages, options) => slots.send(messages, options),
      close: () => slots.close(new Error('long-polling transport closed')),
    };
  },
};
