/**
 * [SEC-9] The in-process transport: the server's own code as a Bayeux client of this server, with no
 * socket and no HTTP (what Faye's `server.getClient()` and CometD's `LocalSession` are). It has the
 * shape of a `@kuiper/client` transport, so `createClient(url, { transports: [kuiper.inProcessTransport()] })`
 * is a full client — subscriptions, publishes, service calls, the ack extension — whose sessions are
 * server sessions: made without `canHandshake`, never asked about by the policy or the channel
 * authorizers, and never usable from the network. Messages cross as JSON text, as on the wire, so
 * neither side can change an object the other holds.
 */
import type { Message } from '@kuiper/protocol';
import { decodeJson, encodeBatch } from '../core/codec.js';
import { Departed, type Connector } from '../core/connector.js';
import { IN_PROCESS } from '../core/core.js';

/** What a `@kuiper/client` transport is handed (structural: this package does not depend on the client). */
export interface InProcessContext {
  receive(messages: Message[]): void;
}

export interface InProcessTransport {
  readonly name: string;
  send(messages: Message[], options: { readonly held: boolean; readonly timeoutMs: number }): Promise<void>;
  close(): void;
}

/** A `@kuiper/client` transport factory. */
export interface InProcessTransportFactory {
  readonly name: string;
  isUsable(): boolean;
  create(context: InProcessContext): InProcessTransport;
}

export function inProcessTransport(connector: Connector, maxBatch: number): InProcessTransportFactory {
  return {
    name: IN_PROCESS,
    isUsable: () => true,
    create: (context) => new InProcessExchange(connector, maxBatch, context),
  };
}

class InProcessExchange implements InProcessTransport {
  readonly name = IN_PROCESS;
  /** Exchanges under way: a held connect, and any batch sent beside it. */
  private readonly open = new Set<Departed>();
  private closed = false;

  constructor(
    private readonly connector: Connector,
    private readonly maxBatch: number,
    private readonly context: InProcessContext,
  ) {}

  /** The last batch sent beside the held connect: the next one goes after it. */
  private tail: Promise<void> = Promise.resolve();

  /**
   * As long-polling's two HTTP slots: the held connect goes at once, every other batch after the
   * one before it, so a client's messages are handled in the order it sent them (a room's sync
   * step 1 sent right behind its subscribe must find the room loaded, COLLAB-24).
   */
  send(messages: Message[], options: { readonly held: boolean; readonly timeoutMs: number }): Promise<void> {
    if (options.held) return this.exchange(messages, options.timeoutMs);
    const sent = this.tail.then(() => this.exchange(messages, options.timeoutMs));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  private async exchange(messages: Message[], timeoutMs: number): Promise<void> {
    if (this.closed) throw new Error('in-process transport closed');
    const decoded = decodeJson(encodeBatch(messages), this.maxBatch);
    if (!decoded.ok) throw new Error(`in-process batch refused: ${decoded.error.message}`);
    const departed = new Departed();
    this.open.add(departed);
    // Like an HTTP request: given up after timeoutMs, and what the connect held stays queued for the next.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        departed.abort();
        reject(new Error(`in-process exchange timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const replies = await Promise.race([this.connector.respond(decoded.messages, IN_PROCESS, departed, true), timedOut]);
      if (this.closed) throw new Error('in-process transport closed');
      const parsed = JSON.parse(encodeBatch(replies)) as Message[];
      if (parsed.length > 0) this.context.receive(parsed);
    } finally {
      clearTimeout(timer);
      this.open.delete(departed);
    }
  }

  close(): void {
    this.closed = true;
    for (const departed of this.open) departed.abort();
    this.open.clear();
  }
}
