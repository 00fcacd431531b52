/**
 * One interface for every way of carrying Bayeux messages, plus a registry of them by name.
 * The session picks among registered transports by preference and by what the server offers;
 * a transport only frames bytes — it never interprets messages beyond decoding them.
 */
import type { Message } from '@kuiper/protocol';
import type { CookieJar } from './cookie-jar.js';
import type { Logger } from './logger.js';

/** The smallest slice of the WHATWG WebSocket that transports use; `ws` and browsers both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What the environment provides; each is injectable so tests and odd runtimes can swap them. */
export interface TransportEnv {
  fetch: FetchLike | undefined;
  WebSocket: WebSocketConstructor | undefined;
  /** Present in browsers only; callback-polling needs it to add script tags. */
  document: Document | undefined;
  /** Node only: HTTP transports keep the server's cookies here (browsers do it themselves). */
  cookies: CookieJar | undefined;
}

export interface TransportContext {
  readonly url: string;
  readonly env: TransportEnv;
  readonly logger: Logger;
  /** Time allowed to open a connection (a socket) before the transport counts as failed. */
  readonly openTimeout: number;
  /** Every message that arrives, replies and deliveries alike. */
  receive(messages: Message[]): void;
  /** The transport broke outside of any send (a socket closed); the session recovers. */
  fail(error: Error): void;
}

export interface SendOptions {
  /** The batch holds the /meta/connect that the server may hold until it has messages. */
  readonly held: boolean;
  /** Give up on the exchange after this many ms. */
  readonly timeoutMs: number;
}

export interface Transport {
  readonly name: string;
  /**
   * Held connects are streams (eventsource, multipart-mime, forever-frame): the first connect reply
   * says the stream is open, deliveries follow, then a final connect reply, and the held send
   * resolves when the stream ends. The next connect is sent only then.
   */
  readonly streaming?: boolean;
  /**
   * Sends one batch. HTTP transports resolve once the response has been handed to `receive`;
   * socket transports resolve once the frame is written. Rejects when the transport failed.
   */
  send(messages: Message[], options: SendOptions): Promise<void>;
  /** Releases everything; in-flight sends reject. Idempotent. */
  close(): void;
}

export interface TransportFactory {
  readonly name: string;
  /** Whether this environment can run the transport against this URL. */
  isUsable(env: TransportEnv, url: string): boolean;
  create(context: TransportContext): Transport;
}

const registry = new Map<string, TransportFactory>();

/** Adds (or replaces) a transport under its name, so clients can ask for it by name. */
export function registerTransport(factory: TransportFactory): void {
  registry.set(factory.name, factory);
}

export function getTransport(name: string): TransportFactory | undefined {
  return registry.get(name);
}

export function registeredTransports(): string[] {
  return [...registry.keys()];
}
