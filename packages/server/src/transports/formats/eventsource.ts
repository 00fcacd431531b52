/**
 * `eventsource` (SPEC: STREAM-9): Server-Sent Events, readable by the browser's native
 * `EventSource`. Each batch is one unnamed event, so `onmessage` sees it; keep-alives are comments,
 * which EventSource ignores.
 */
import { encodeBatch } from '../../core/codec.js';
import type { StreamFormat, StreamFraming } from './format.js';

const framing: StreamFraming = {
  headers: { 'Content-Type': 'text/event-stream;charset=utf-8' },
  start: '',
  // JSON.stringify never emits a raw line break, so one `data:` line always holds the whole batch.
  batch: (messages) => `data: ${encodeBatch(messages)}\n\n`,
  keepAlive: ':\n\n',
  end: '',
};

export const eventSourceTransport: StreamFormat = {
  name: 'eventsource',
  open: () => framing,
};
