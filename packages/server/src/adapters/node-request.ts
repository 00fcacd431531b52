/**
 * node:http's IncomingMessage/ServerResponse as the transports' `KuiperRequest`, and their replies
 * written back: sized ones with Content-Length in one write (HTTP-10), streams chunk by chunk with
 * the socket's own backpressure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Departed } from '../core/connector.js';
import { createLogger } from '../core/log.js';
import { type ChunkSink, DISCARD_DEADLINE_MS, type KuiperReply, type KuiperRequest, discardBytes } from '../transports/exchange.js';

const log = createLogger('server');

export class NodeRequest implements KuiperRequest {
  private gone: Departed | undefined;
  /** Set while a body over the limit is read and dropped; resolves when that is over. */
  discarding: Promise<void> | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly method: string,
    readonly url: URL | undefined,
  ) {}

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Made on first use: a POST needs it only once its body is in. */
  get departed(): Departed {
    if (this.gone) return this.gone;
    const gone = new Departed();
    const res = this.res;
    if (res.destroyed) gone.abort();
    else res.once('close', () => !res.writableFinished && gone.abort());
    return (this.gone = gone);
  }

  text(limit: number): Promise<string | undefined> {
    const req = this.req;
    if (Number(req.headers['content-length']) > limit) {
      this.discard(limit, 0);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= limit) return void chunks.push(chunk);
        // Answer now; what is still coming is read and dropped, never buffered.
        req.off('data', onData).off('end', onEnd).off('error', reject);
        chunks.length = 0;
        this.discard(limit, size);
        resolve(undefined);
      };
      const onEnd = (): void =>
        // A poll's body comes in one chunk: no copy to concatenate it.
        resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'));
      req.on('data', onData).on('end', onEnd).on('error', reject);
    });
  }

  /** [HTTP-3] Reads and drops the rest of a refused body, up to a bound in bytes and in time. */
  private discard(limit: number, already: number): void {
    const req = this.req;
    const bound = discardBytes(limit);
    this.discarding = new Promise((resolve) => {
      if (req.readableEnded || req.destroyed) return resolve();
      let read = already;
      const done = (): void => {
        clearTimeout(timer);
        req.off('data', onData).off('end', done).off('error', done).off('close', done);
        resolve();
      };
      const onData = (chunk: Buffer): void => {
        read += chunk.length;
        if (read > bound) done();
      };
      const timer = setTimeout(done, DISCARD_DEADLINE_MS);
      req.on('data', onData).on('end', done).on('error', done).on('close', done);
      req.resume();
    });
  }
}

/** Writes a reply the router produced. */
export function writeReply(request: NodeRequest, res: ServerResponse, reply: KuiperReply): void {
  // The client left while the answer was computed (the queue it would have carried stays queued).
  if (res.destroyed) return;
  if (reply.stream === undefined) {
    res.writeHead(reply.status, reply.headers);
    const discarding = request.discarding;
    if (discarding === undefined) return void res.end(reply.body);
    // [HTTP-3] The whole answer goes now, but the response only ends (and, with `Connection:
    // close`, the socket closes) once the refused body is drained: closing a socket the client is
    // still writing to resets it, and the client would see EPIPE instead of the 413.
    res.write(reply.body);
    void discarding.then(() => res.end());
    return;
  }
  res.socket?.setNoDelay(true);
  res.writeHead(reply.status, reply.headers);
  res.flushHeaders();
  reply.stream(new NodeSink(res)).catch((err: unknown) => {
    log.error('stream failed', err);
    if (!res.writableEnded) res.end();
  });
}

class NodeSink implements ChunkSink {
  constructor(private readonly res: ServerResponse) {}

  write(chunk: string): void {
    this.res.write(chunk);
  }

  get backedUp(): boolean {
    return this.res.writableNeedDrain;
  }

  /** `backedUp` is `writableNeedDrain`, so a `drain` always follows it (or the response closes). */
  onDrain(listener: () => void): () => void {
    this.res.once('drain', listener);
    return () => this.res.off('drain', listener);
  }

  end(last: string): void {
    this.res.end(last);
  }

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }
}
