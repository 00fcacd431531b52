/**
 * The streaming transports over one mount path (SPEC: STREAM-*). A GET carrying one /meta/connect
 * and `transport=eventsource|forever-frame|multipart-mime` opens a response that *is* that held
 * connect: its reply first, then deliveries as they are queued, then the connect's final reply
 * when the hold ends. Framing is the format's (`stream-format.ts`); protocol is the core's; the
 * hold (timeouts, one connect per session, 402 when the session goes) and the taking of deliveries
 * are the connector's.
 */
import { BayeuxError, bayeuxError, META, type Message } from '@kuiper/protocol';
import { decodeJson } from '../core/codec.js';
import type { Connector, Departed } from '../core/connector.js';
import type { HeldConnect } from '../core/core.js';
import type { DeliverySink } from '../core/delivery.js';
import { eventSourceTransport } from './formats/eventsource.js';
import { foreverFrameTransport } from './formats/forever-frame.js';
import type { ChunkSink, KuiperReply, KuiperRequest } from './exchange.js';
import { errorResponse, queryMessage } from './http.js';
import { multipartTransport } from './formats/multipart-mime.js';
import { type StreamFormat, type StreamFraming, isStreamingType } from './formats/format.js';

export interface StreamTransportOptions {
  maxBodyBytes: number;
  /** [LIMIT-11] Most messages one request may carry. */
  maxBatch: number;
  /** Interval between keep-alive chunks, ms. */
  keepAliveMs: number;
  enabled: (connectionType: string) => boolean;
}

export const DEFAULT_STREAM_KEEP_ALIVE_MS = 15_000;

const FORMATS: ReadonlyMap<string, StreamFormat> = new Map(
  [eventSourceTransport, foreverFrameTransport, multipartTransport].map((f) => [f.name, f]),
);

/** [STREAM-8] Headers every stream carries: nothing between us and the client may cache or buffer it. */
const STREAM_HEADERS = {
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
} as const;

export class StreamTransport {
  constructor(
    private readonly connector: Connector,
    private readonly options: StreamTransportOptions,
  ) {}

  /** [STREAM-2] A GET whose `transport` names a streaming kind is ours; any other GET is callback-polling. */
  static wants(method: string, url: URL): boolean {
    return method === 'GET' && isStreamingType(url.searchParams.get('transport'));
  }

  async handle(req: KuiperRequest, url: URL): Promise<KuiperReply> {
    const format = FORMATS.get(url.searchParams.get('transport') ?? '');
    // [STREAM-12] A disabled (or unknown) streaming transport is refused like any other.
    if (!format || !this.options.enabled(format.name)) return errorResponse(400, bayeuxError('connection_type_unsupported'));
    const framing = format.open(req, url);
    if (framing instanceof BayeuxError) return errorResponse(400, framing);
    const message = queryMessage(url, this.options.maxBodyBytes);
    if (typeof message !== 'string') return message;
    const decoded = decodeJson(message, this.options.maxBatch);
    if (!decoded.ok) return errorResponse(400, decoded.error);
    // [STREAM-3] The GET carries exactly one /meta/connect; everything else goes by POST, so a
    // cross-site GET (an <img>, an iframe) can at most open a stream, never subscribe or publish.
    const only = decoded.messages.length === 1 ? decoded.messages[0] : undefined;
    if (only?.['channel'] !== META.connect) return errorResponse(400, bayeuxError('message_invalid', 'connect'));

    const gone = req.departed;
    const result = await this.connector.process(decoded.messages, format.name);
    const headers = { ...STREAM_HEADERS, ...framing.headers };
    const { connector, options } = this;
    return {
      status: 200,
      headers,
      async stream(sink: ChunkSink): Promise<void> {
        // The client left while the connect was processed: the adapter never opened the body.
        if (gone.aborted) return;
        if (framing.start) sink.write(framing.start);
        // [STREAM-6] A connect the core refused (unknown session, say): its reply on the stream, then
        // the end. A 200 with the reply in it, because EventSource cannot read the body of an error.
        if (!result.connect) return sink.end(framing.batch(result.replies) + framing.end);
        await new Stream(sink, framing, connector, options.keepAliveMs, gone).run(result.connect);
      },
    };
  }
}

/**
 * One open stream: the held connect of one session, and the `DeliverySink` the connector streams
 * its deliveries to (STREAM-4) until the hold ends. It frames; it never takes from the queue.
 */
class Stream implements DeliverySink {
  /** [STREAM-5] The response ends with the hold: what is still queued then goes before the final reply. */
  readonly lasting = false;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ChunkSink,
    private readonly framing: StreamFraming,
    private readonly connector: Connector,
    private readonly keepAliveMs: number,
    private readonly gone: Departed,
  ) {}

  async run(connect: HeldConnect): Promise<void> {
    // [STREAM-4] The first thing on the stream: the connect reply, so the client knows it is connected.
    this.write([await this.connector.core.openingReply(connect)]);
    // [STREAM-14] In ack mode the connector ends the hold when messages are queued, as on
    // long-polling, and they come with the final reply; the client opens the next stream with its ack.
    const held = this.connector.hold(connect, this.gone, this);
    this.keepAlive = setInterval(() => {
      // A socket with bytes still waiting is not idle; a keep-alive would only add to them.
      if (!this.sink.backedUp) this.send(this.framing.keepAlive);
    }, this.keepAliveMs);
    const final = await held;
    clearInterval(this.keepAlive);
    // [STREAM-7] The client went away: nothing is written, the queue stays for its next connect.
    if (final === undefined) return;
    // [STREAM-5] The hold ended (timeout, a newer connect, the session removed, server shutdown):
    // what was still queued, the connect's final reply (402 if the session is gone), then the end.
    this.write(final);
    if (!this.sink.closed) this.sink.end(this.framing.end);
  }

  get writable(): boolean {
    return !this.sink.closed;
  }

  /** [STREAM-13] A reader that does not keep up: deliveries wait in the engine's bounded queue. */
  get full(): boolean {
    return this.sink.backedUp;
  }

  /** [DELIV-2] The flow resumes when the reader catches up. */
  onDrain(listener: () => void): () => void {
    return this.sink.onDrain(listener);
  }

  write(messages: readonly Message[]): void {
    if (messages.length > 0) this.send(this.framing.batch(messages));
  }

  private send(chunk: string): void {
    if (!this.sink.closed) this.sink.write(chunk);
  }
}
