/**
 * `eventsource`: the held connect as a Server-Sent Events stream, one event per batch. Read with
 * fetch and parsed here rather than with the browser's EventSource, whose automatic reconnection
 * would fight the session's, and which Node 20 lacks.
 */
import type { TransportEnv } from '../transport.js';
import { fetchStream, readText, streamingTransport } from './streaming.js';

/** Incremental SSE parser: calls back with each event's data (comments and other fields ignored). */
export function createSseParser(onData: (data: string) => void): (text: string) => void {
  let buffer = '';
  let data: string[] = [];
  return (text) => {
    buffer += text;
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      const width = buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (width === 1 && buffer[newline] === '\r' && newline === buffer.length - 1) break;
      buffer = buffer.slice(newline + width);
      if (line === '') {
        if (data.length > 0) onData(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
  };
}

export const eventsource = streamingTransport(
  'eventsource',
  (env: TransportEnv, url: string) => env.fetch !== undefined && typeof TextDecoderStream !== 'undefined' && /^https?:/i.test(url),
  async (context, request) => {
    const response = await fetchStream(context, request, 'text/event-stream', /^text\/event-stream/i);
    await readText(response, createSseParser((data) => request.onBatch(data)));
  },
);
