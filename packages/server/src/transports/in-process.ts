/**
 * [SEC-9] The in-process transport: the server's own code as a Bayeux client of this server, with no
 * socket and no HTTP (what Faye's `server.getClient()` and CometD's `LocalSession` are). It has the
 * shape of a `@kuiper/client` transport, so `createClient(url, { transports: [kuiper.inProcessTransport()] })`
 * is a full client — subscriptions, publishes, service calls, the ack extension — whose sessions are
 * server sessions: made without `canHandshake`, never asked about by the policy or the channel
 * authorizers, and never usable from the network.
 *
 * It behaves as a WebSocket does: a lasting connection whose deliveries stream as they are queued
 * (no polling pace: an edit's acknowledgement comes in about a millisecond, not a poll later), its
 * batches handled one after the other in the order sent. Messages cross as JSON text, as on the
 * wire, so neither side can change an object the other holds.
 */
import { formatBayeuxError, type Message } from '@kuiper/protocol';
import { decodeJson, encodeBatch } from '../core/codec.js';
import { type AnswerSink, Departed, type Connector } from '../core/connector.js';
import { IN_PROCESS } from '../core/core.js';
import { SERVER_SESSION_KEY } from '../core/security.js';
import type { DeliverySink } from '../core/delivery.js';

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

/** What a server session says of itself: e.g. `{ user: { id: 'assistant', name: 'Assistant' } }`. */
export interface InProcessOptions {
  data?: Record<string, unknown>;
}

/** What a connection needs of its server: where batches go, their limit, and whether it has closed. */
export interface InProcessServer {
  readonly connector: Connector;
  readonly maxBatch: number;
  isClosed(): boolean;
}

export function inProcessTransport(server: InProcessServer, options: InProcessOptions = {}): InProcessTransportFactory {
  return {
    name: IN_PROCESS,
    isUsable: () => true,
    create: (context) => new InProcessConnection(server, context, options.data),
  };
}

/**
 * [SEC-9] A closed server's answer to anything sent: `410::server_closed` with reconnect "none", so
 * the client stops (its calls and room loads reject) instead of retrying a server that will not come
 * back, and no timer of it keeps the process alive.
 */
function closedReplies(messages: Message[]): Message[] {
  return messages.map((m) => ({
    channel: m.channel,
    ...(m.id === undefined ? {} : { id: m.id }),
    ...(m.clientId === undefined ? {} : { clientId: m.clientId }),
    successful: false,
    error: formatBayeuxError('server_closed'),
    advice: { reconnect: 'none' },
  }));
}

class InProcessConnection implements InProcessTransport, DeliverySink, AnswerSink {
  readonly name = IN_PROCESS;
  readonly full = false;
  readonly lasting = true;
  /** The connection's end: its held connects let go, as when a socket closes. */
  private readonly departed = new Departed();
  /** The sessions whose deliveries stream here. */
  private readonly sessions = new Set<string>();
  /** The last batch sent: the next one is handled after it. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: InProcessServer,
    private readonly context: InProcessContext,
    /** The session's data beside the server's mark, carried by each handshake (SEC-9). */
    private readonly data: Record<string, unknown> | undefined,
  ) {}

  get writable(): boolean {
    return !this.departed.aborted;
  }

  /** Resolves once the batch is handled (its replies handed over); a held connect's comes later. */
  send(messages: Message[]): Promise<void> {
    const sent = this.tail.then(() => this.frame(messages));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  /** DeliverySink: deliveries, and a connect's answer, handed to the client on a later microtask. */
  write(messages: Message[]): void {
    if (this.departed.aborted || messages.length === 0) return;
    const copy = JSON.parse(encodeBatch(messages)) as Message[];
    queueMicrotask(() => {
      if (!this.departed.aborted) this.context.receive(copy);
    });
  }

  /** AnswerSink: a held connect's answer (undefined when the connection closed first). */
  answer(reply: Message[] | undefined): void {
    if (reply) this.write(reply);
  }

  close(): void {
    if (this.departed.aborted) return;
    this.departed.abort();
    // As a closed socket: the sessions stay until pruned or disconnected, their deliveries queued.
    for (const clientId of this.sessions) this.server.connector.unstream(clientId, this);
    this.sessions.clear();
  }

  private async frame(messages: Message[]): Promise<void> {
    if (this.departed.aborted) throw new Error('in-process transport closed');
    if (this.server.isClosed()) return this.write(closedReplies(messages));
    const sent = this.data === undefined ? messages : messages.map((m) => (m.channel === '/meta/handshake' ? { ...m, ext: { ...m.ext, [SERVER_SESSION_KEY]: this.data } } : m));
    const decoded = decodeJson(encodeBatch(sent), this.server.maxBatch);
    if (!decoded.ok) throw new Error(`in-process batch refused: ${decoded.error.message}`);
    const result = await this.server.connector.process(decoded.messages, IN_PROCESS, true);
    this.write(result.replies);
    const connect = result.connect;
    if (!connect || this.departed.aborted) return;
    this.sessions.add(connect.clientId);
    this.server.connector.holdInto(connect, this.departed, this, this);
  }
}
