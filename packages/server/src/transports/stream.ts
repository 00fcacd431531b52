/**
 * The streaming transports over one mount path (SPEC: STREAM-*). A GET carrying one /meta/connect
 * and `transport=eventsource|forever-frame|multipart-mime` opens a response that *is* that held
 * connect: its reply first, then deliveries as they are queued, then the connect's final reply
 * when the hold ends. Framing is the format's (`stream-format.ts`); protocol is the core's; the
 * hold (timeouts, one connect per session, 402 when the session goes) and the taking of deliveries
 * are the connector's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BayeuxError, bayeuxError, META, type Message } from '@kuiper/protocol';
import { decodeJson } from '../core/codec.js';
import { type Connector, Departed } from '../core/connector.js';
import type { HeldConnect } from '../core/core.js';
import type { DeliverySink } from '../core/delivery.js';
import { eventSourceTransport } from './formats/eventsource.js';
import { foreverFrameTransport } from './formats/forever-frame.js';
import { departureOf, sendError } from './http.js';
import { multipartTransport } from './formats/multipart-mime.js';
import { type StreamFormat, type StreamFraming, isStreamingType } from './formats/format.js';

export interface StreamTransportOptions {
  maxBodyBytes: number;
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
  static wants(req: IncomingMessage, url: URL): boolean {
    return req.method === 'GET' && isStreamingType(url.searchParams.get('transport'));
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const format = FORMATS.get(url.searchParams.get('transport') ?? '');
    // [STREAM-12] A disabled (or unknown) streaming transport is refused like any other.
    if (!format || !this.options.enabled(format.name)) {
      return sendError(res, 400, bayeuxError('connection_type_unsupported'));
    }
    const framing = format.open(req, url);
    if (framing instanceof BayeuxError) return sendError(res, 400, framing);
    const message = url.searchParams.get('message');
    if (message === null) return sendError(res, 400, bayeuxError('body_invalid'));
    if (Buffer.byteLength(message) > this.options.maxBodyBytes) return sendError(res, 413, bayeuxError('body_too_large'));
    const decoded = decodeJson(message);
    if (!decoded.ok) return sendError(res, 400, decoded.error);
    // [STREAM-3] The GET carries exactly one /meta/connect; everything else goes by POST, so a
    // cross-site GET (an <img>, an iframe) can at most open a stream, never subscribe or publish.
    const only = decoded.messages.length === 1 ? decoded.messages[0] : undefined;
    if (only?.['channel'] !== META.connect) return sendError(res, 400, bayeuxError('message_invalid', 'connect'));

    const gone = departureOf(res);
    const result = await this.connector.process(decoded.messages, format.name);
    if (gone.aborted) return;
    req.socket.setNoDelay(true);
    res.writeHead(200, { ...STREAM_HEADERS, ...framing.headers });
    res.flushHeaders();
    if (framing.start) res.write(framing.start);
    // [STREAM-6] A connect the core refused (unknown session, say): its reply on the stream, then
    // the end. A 200 with the reply in it, because EventSource cannot read the body of an error.
    if (!result.connect) {
      res.write(framing.batch(result.replies));
      res.end(framing.end);
      return;
    }
    await new Stream(res, framing, this.connector, this.options.keepAliveMs, gone).run(result.connect);
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
    private readonly res: ServerResponse,
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
      if (!this.res.writableNeedDrain) this.send(this.framing.keepAlive);
    }, this.keepAliveMs);
    const final = await held;
    clearInterval(this.keepAlive);
    // [STREAM-7] The client went away: nothing is written, the queue stays for its next connect.
    if (final === undefined) return;
    // [STREAM-5] The hold ended (timeout, a newer connect, the session removed, server shutdown):
    // what was still queued, the connect's final reply (402 if the session is gone), then the end.
    this.write(final);
    if (!this.res.writableEnded) this.res.end(this.framing.end);
  }

  get writable(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** [STREAM-13] A reader that does not keep up: deliveries wait in the engine's bounded queue. */
  get full(): boolean {
    return this.res.writableNeedDrain;
  }

  write(messages: readonly Message[]): void {
    if (messages.length > 0) this.send(this.framing.batch(messages));
  }

  private send(chunk: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(chunk);
  }
}
