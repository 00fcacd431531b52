/**
 * The request and response the HTTP transports speak, independent of any server API (style item 2):
 * `adapters/node-http.ts` maps node:http's IncomingMessage/ServerResponse to them and
 * `adapters/fetch.ts` a WHATWG Request/Response, so one set of transports serves both hosts.
 */
import type { Departed } from '../core/connector.js';

/** One HTTP request as the transports see it. */
export interface KuiperRequest {
  readonly method: string;
  /**
   * The parsed target (path and query), or undefined for a POST to the bare mount path: the
   * busiest request there is needs only its body, and parsing its URL cost 2% of a long-poll.
   */
  readonly url: URL | undefined;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /**
   * [HTTP-3] The body as UTF-8 text, or undefined when it is over `limit` bytes: then nothing more
   * is kept, and the host reads and drops a bounded amount of the rest (`DISCARD_*`) so the client
   * can finish sending and read the 413 before the connection is closed.
   */
  text(limit: number): Promise<string | undefined>;
  /** Fires if the client goes away before the answer, so a held connect lets go. */
  readonly departed: Departed;
}

/** A whole answer of known length (HTTP-10: sent with Content-Length, never chunked). */
export interface SizedReply {
  readonly status: number;
  /** Includes `Content-Length`. */
  readonly headers: Readonly<Record<string, string | number>>;
  readonly body: string;
  readonly stream?: undefined;
}

/**
 * Where a streaming answer's chunks go. Chunks are strings, each complete on its own; `backedUp`
 * says the reader has not taken what was written yet (the connector then leaves deliveries queued).
 */
export interface ChunkSink {
  write(chunk: string): void;
  readonly backedUp: boolean;
  /**
   * Calls `listener` once, when the sink is no longer `backedUp`, never from within this call;
   * returns a function that cancels it (DELIV-2: a stream resumes as its reader catches up).
   */
  onDrain(listener: () => void): () => void;
  /** Writes the last chunk (may be empty) and ends the response. */
  end(last: string): void;
  /** Ended, or the client went away: writes are dropped. */
  readonly closed: boolean;
}

/** A 200 whose body is written as it comes (the streaming transports). */
export interface StreamReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number>>;
  readonly body?: undefined;
  /** Writes the body into `sink`; resolves once it has ended (or the client went away). */
  stream(sink: ChunkSink): Promise<void>;
}

export type KuiperReply = SizedReply | StreamReply;

/**
 * [HTTP-3] After a 413 the host keeps reading and dropping the body, up to this many bytes, so a
 * client still sending (a 12 MiB POST against the 1 MiB default) reads the answer instead of
 * seeing its connection reset; past it, or past the deadline, the connection is closed.
 */
export function discardBytes(maxBodyBytes: number): number {
  return Math.max(4 * maxBodyBytes, 16 * 1024 * 1024);
}

/** [HTTP-3] How long a refused body is read and dropped at most, ms. */
export const DISCARD_DEADLINE_MS = 5_000;

/** A Bayeux error body of known length. */
export function sizedReply(status: number, headers: Record<string, string>, body: string, bytes = Buffer.byteLength(body)): SizedReply {
  return { status, headers: { ...headers, 'Content-Length': bytes }, body };
}
