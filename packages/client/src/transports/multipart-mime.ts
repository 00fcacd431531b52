/**
 * `multipart-mime`: the held connect as a `multipart/x-mixed-replace` (or `multipart/mixed`)
 * response, one JSON part per batch, read with fetch streaming. A part is complete when the next
 * delimiter arrives; the close delimiter `--boundary--` ends the stream.
 */
import type { TransportEnv } from '../transport.js';
import { fetchStream, readText, streamingTransport } from './streaming.js';

/** Incremental multipart parser: calls back with each part's body. */
export function createMultipartParser(boundary: string, onPart: (body: string) => void): (text: string) => void {
  const delimiter = `--${boundary}`;
  let buffer = '';
  let started = false;
  let finished = false;
  return (text) => {
    if (finished) return;
    buffer += text;
    for (;;) {
      if (!started) {
        const at = buffer.indexOf(delimiter);
        if (at < 0) return;
        buffer = buffer.slice(at + delimiter.length);
        started = true;
        continue;
      }
      if (buffer.length < 2) return;
      if (buffer.startsWith('--')) {
        finished = true; // the close delimiter
        return;
      }
      const next = buffer.indexOf(delimiter);
      if (next < 0) return;
      const part = buffer.slice(0, next);
      buffer = buffer.slice(next + delimiter.length);
      const headersEnd = part.indexOf('\r\n\r\n');
      const body = (headersEnd < 0 ? part : part.slice(headersEnd + 4)).replace(/\r\n$/, '');
      if (body.trim() !== '') onPart(body);
    }
  };
}

export const multipartMime = streamingTransport(
  'multipart-mime',
  (env: TransportEnv, url: string) => env.fetch !== undefined && typeof TextDecoderStream !== 'undefined' && /^https?:/i.test(url),
  async (context, request) => {
    const response = await fetchStream(context, request, 'multipart/x-mixed-replace, multipart/mixed', /^multipart\//i);
    const boundary = /boundary="?([^";]+)"?/i.exec(response.headers.get('content-type') ?? '')?.[1];
    if (!boundary) throw new Error('multipart stream without a boundary');
    await readText(response, createMultipartParser(boundary, (body) => request.onBatch(body)));
  },
);
