/**
 * What one streaming transport decides (SPEC: STREAM-*): its response headers and how it frames a
 * batch, a keep-alive and the start and end of the body. Everything else — opening the stream,
 * holding the connect, flushing deliveries, ending — is shared, in `../stream.ts`.
 */
import type { BayeuxError, Message } from '@kuiper/protocol';
import type { KuiperRequest } from '../exchange.js';

export const STREAMING_TYPES = ['eventsource', 'forever-frame', 'multipart-mime'] as const;
export type StreamingType = (typeof STREAMING_TYPES)[number];

export function isStreamingType(value: string | null): value is StreamingType {
  return value !== null && (STREAMING_TYPES as readonly string[]).includes(value);
}

/** The bytes of one open stream. Strings, written as they are; each chunk is complete on its own. */
export interface StreamFraming {
  /** Content-Type and any headers of the transport's own. */
  readonly headers: Readonly<Record<string, string>>;
  /** Written once, right after the headers (padding, a multipart preamble); may be empty. */
  readonly start: string;
  /** One batch of messages, a JSON array, as one self-contained chunk. */
  batch(messages: readonly Message[]): string;
  /** Sent when the stream has been idle, so proxies and browsers keep it open. */
  readonly keepAlive: string;
  /** Written last, just before the response ends; may be empty. */
  readonly end: string;
}

export interface StreamFormat {
  readonly name: StreamingType;
  /** Frames one stream for this request, or refuses the request (a bad callback name, say). */
  open(req: KuiperRequest, url: URL): StreamFraming | BayeuxError;
}
