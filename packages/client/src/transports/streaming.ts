/**
 * The shape shared by the streaming transports (eventsource, multipart-mime, forever-frame): the
 * held /meta/connect opens a GET stream — `?transport=<name>&message=[connect]` — that carries its
 * connect reply first, deliveries as they come, a closing connect reply, then ends; everything else
 * is POSTed as for long-polling. The stream must show its first batch within `openTimeout`: a proxy
 * that buffers streams shows nothing, and the session then falls back to the next transport.
 */
import type { Message } from '@kuiper/protocol';
import type { Logger } from '../logger.js';
import { decodeMessages, encodeMessages } from '../message.js';
import type { Transport, TransportContext, TransportEnv, TransportFactory } from '../transport.js';
import { HttpSlots } from './http-slots.js';
import { postExchange } from './long-polling.js';

export interface StreamRequest {
  /** The stream URL, with `transport` and `message` set. */
  readonly url: string;
  readonly signal: AbortSignal;
  /** Hands one batch (a JSON array as text, or parsed) to the client. */
  onBatch(batch: unknown): void;
}

/** Opens one stream; resolves when the server ends it, rejects when it fails. */
export type OpenStream = (context: TransportContext, request: StreamRequest, log: Logger) => Promise<void>;

export function streamUrl(base: string, name: string, connect: Message, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ transport: name, ...extra, message: encodeMessages([connect]) });
  return `${base}${base.includes('?') ? '&' : '?'}${params.toString()}`;
}

export function streamingTransport(
  name: string,
  isUsable: (env: TransportEnv, url: string) => boolean,
  open: OpenStream,
): TransportFactory {
  return {
    name,
    isUsable,
    create(context: TransportContext): Transport {
      const log = context.logger.child(name);
      const posts = new HttpSlots(postExchange(context, log));
      const streams = new Set<AbortController>();
      let closed: Error | undefined;

      const stream = (connect: Message, timeoutMs: number): Promise<void> => {
        const controller = new AbortController();
        streams.add(controller);
        let opened = false;
        const abort = (message: string) => () => controller.abort(new Error(message));
        const openTimer = setTimeout(abort(`${name} stream showed nothing within ${context.openTimeout} ms`), context.openTimeout);
        const endTimer = setTimeout(abort(`${name} stream still open after ${timeoutMs} ms`), timeoutMs);
        const request: StreamRequest = {
          url: streamUrl(context.url, name, connect),
          signal: controller.signal,
          onBatch(batch) {
            if (controller.signal.aborted) return;
            if (!opened) {
              opened = true;
              clearTimeout(openTimer);
            }
            const { messages } = decodeMessages(batch);
            if (messages.length > 0) context.receive(messages);
          },
        };
        log.debug('open stream', connect);
        return open(context, request, log)
          .catch((error: unknown) => {
            const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
            throw reason instanceof Error ? reason : new Error(String(reason));
          })
          .finally(() => {
            clearTimeout(openTimer);
            clearTimeout(endTimer);
            streams.delete(controller);
          });
      };

      return {
        name,
        streaming: true,
        send(messages, options) {
          if (closed) return Promise.reject(closed);
          const connect = messages[0];
          if (options.held && messages.length === 1 && connect) return stream(connect, options.timeoutMs);
          return posts.send(messages, options);
        },
        close() {
          if (closed) return;
          closed = new Error(`${name} transport closed`);
          posts.close(closed);
          for (const controller of streams) controller.abort(closed);
        },
      };
    },
  };
}

/** Reads a fetch body as text chunks, giving up when the signal aborts. */
export async function readText(response: Response, onText: (text: string) => void): Promise<void> {
  if (!response.body) throw new Error('the response has no body to stream');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/** Starts a streaming GET, refusing responses that are not of the expected type. */
export async function fetchStream(context: TransportContext, request: StreamRequest, accept: string, expected: RegExp): Promise<Response> {
  const fetchFn = context.env.fetch;
  if (!fetchFn) throw new Error('streaming transports need fetch');
  const cookie = context.env.cookies?.header();
  const response = await fetchFn(request.url, {
    method: 'GET',
    headers: { Accept: accept, ...(cookie ? { Cookie: cookie } : {}) },
    signal: request.signal,
    cache: 'no-store',
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !expected.test(type)) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`stream refused: HTTP ${response.status} ${type}`);
  }
  return response;
}
