/**
 * The web-standard entry (style item 2): `(Request) => Promise<Response>` over the same router and
 * transports as node:http, for any fetch-based host (Next.js route handlers, Hono, Deno, Bun).
 * Long-polling and callback-polling answer with a whole body; the streaming transports with a
 * `ReadableStream` whose backpressure is the host's. A client that goes away (`request.signal`
 * aborts, or the host cancels the body) is the Departed that ends a held connect. WebSocket needs
 * an upgrade, which fetch has not: it stays on the node:http adapter.
 */
import { Departed } from '../core/connector.js';
import { createLogger } from '../core/log.js';
import { type ChunkSink, DISCARD_DEADLINE_MS, type KuiperReply, type KuiperRequest, discardBytes } from '../transports/exchange.js';
import { type HttpHost, claim, serve } from './router.js';

const log = createLogger('server');

/**
 * Bytes a stream may have waiting for the host to take before the transport holds back (STREAM-13):
 * like a socket's buffer, the rest stays in the engine's bounded queue.
 */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;

const encoder = new TextEncoder();

export class FetchAdapter {
  constructor(private readonly host: HttpHost) {}

  /** Answers a Kuiper request; any other path gets a 404, so a route handler can fall through. */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (claim(this.host, request.method, url.pathname + url.search, () => url) === undefined) {
      return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    }
    const req = new FetchRequest(request, url);
    return toResponse(await serve(this.host, req), req.departed);
  }
}

class FetchRequest implements KuiperRequest {
  readonly method: string;
  readonly departed = new Departed();

  constructor(
    private readonly request: Request,
    readonly url: URL,
  ) {
    this.method = request.method;
    const signal = request.signal;
    if (signal.aborted) this.departed.abort();
    else signal.addEventListener('abort', () => this.departed.abort(), { once: true });
  }

  header(name: string): string | undefined {
    return this.request.headers.get(name) ?? undefined;
  }

  async text(limit: number): Promise<string | undefined> {
    const body = this.request.body;
    if (body === null) return '';
    const reader = body.getReader();
    if (Number(this.request.headers.get('content-length')) > limit) return discard(reader, limit, 0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return discard(reader, limit, size);
      chunks.push(value);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }
}

/**
 * [HTTP-3] Reads and drops the rest of a refused body in the background, up to a bound in bytes
 * and in time, then cancels it: a client still sending can finish and read the 413 the host
 * writes meanwhile (cancelling at once would reset a connection it is still writing to).
 */
function discard(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number, already: number): undefined {
  const bound = discardBytes(limit);
  const stop = (): void => void reader.cancel().catch(() => {});
  const timer = setTimeout(stop, DISCARD_DEADLINE_MS);
  timer.unref();
  void (async () => {
    let read = already;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        read += value.byteLength;
        if (read > bound) return stop();
      }
    } catch {
      // The client went away: nothing left to drop.
    } finally {
      clearTimeout(timer);
    }
  })();
  return undefined;
}

function toResponse(reply: KuiperReply, departed: Departed): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) {
    // Hop-by-hop: whether the connection stays open is the host's to decide (HTTP/2 forbids it).
    if (name !== 'Connection') headers.set(name, String(value));
  }
  if (reply.stream === undefined) {
    return new Response(reply.body === '' ? null : reply.body, { status: reply.status, headers });
  }
  let sink: FetchSink | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const opened = new FetchSink(controller, departed);
        sink = opened;
        reply
          .stream(opened)
          .catch((err: unknown) => log.error('stream failed', err))
          // A stream left by a departed client is closed too, so the host lets go of it.
          .finally(() => opened.close());
      },
      // Asked for more once the reader took some of what was queued: the drain of a backed-up stream.
      pull: () => sink?.pulled(),
      cancel: () => sink?.cancelled(),
    },
    { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { status: reply.status, headers });
}

class FetchSink implements ChunkSink {
  closed = false;

  constructor(
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly departed: Departed,
  ) {}

  write(chunk: string): void {
    if (!this.closed) this.controller.enqueue(encoder.encode(chunk));
  }

  get backedUp(): boolean {
    return (this.controller.desiredSize ?? 0) <= 0;
  }

  private readonly drainListeners = new Set<() => void>();

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** The stream's `pull`: its queue is below the high-water mark again (or a read waits). */
  pulled(): void {
    if (this.drainListeners.size === 0 || this.backedUp) return;
    const listeners = [...this.drainListeners];
    this.drainListeners.clear();
    for (const listener of listeners) listener();
  }

  end(last: string): void {
    if (this.closed) return;
    if (last !== '') this.write(last);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.close();
  }

  /** The host dropped the body: the client went away. */
  cancelled(): void {
    this.closed = true;
    this.departed.abort();
  }
}
