/**
 * `forever-frame`: the held connect as a hidden iframe whose document never finishes loading; the
 * server writes `<script>parent.<callback>([...])</script>` per batch. For browsers without
 * fetch streaming; needs a DOM and a same-origin server, so it is not usable in Node.
 */
import type { TransportEnv } from '../transport.js';
import { streamingTransport } from './streaming.js';

let sequence = 0;

export const foreverFrame = streamingTransport(
  'forever-frame',
  (env: TransportEnv, url: string) => env.document !== undefined && env.fetch !== undefined && /^https?:/i.test(url),
  (context, request) =>
    new Promise<void>((resolve, reject) => {
      const doc = context.env.document;
      if (!doc) return reject(new Error('forever-frame needs a document'));
      const callback = `__kuiperFrame${++sequence}`;
      const globals = globalThis as unknown as Record<string, unknown>;
      const frame = doc.createElement('iframe');
      frame.style.display = 'none';
      const finish = (error?: Error): void => {
        request.signal.removeEventListener('abort', onAbort);
        // Late script calls from a frame being torn down must find a function.
        globals[callback] = () => {};
        frame.remove();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish(request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted'));
      request.signal.addEventListener('abort', onAbort);
      globals[callback] = (batch: unknown) => request.onBatch(batch);
      // The document finishing to load is the end of the stream.
      frame.onload = () => finish();
      frame.onerror = () => finish(new Error('forever-frame failed to load'));
      const url = new URL(request.url, doc.baseURI);
      url.searchParams.set('callback', callback);
      frame.src = url.toString();
      doc.body.appendChild(frame);
    }),
);

