/**
 * The `websocket` transport (SPEC: WS-*): the `ws` package on the mount path. Each text frame is a
 * JSON array (or object) of messages. Replies go back at once. A socket is the `DeliverySink` of
 * the sessions connected on it: the connector streams their deliveries to it (one array frame per
 * turn) and answers their held connects; this file only frames, reads and applies backpressure.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { bayeuxError, type Message } from '@kuiper/protocol';
import { decodeJson } from '../core/codec.js';
import { type AnswerSink, type Connector, Departed } from '../core/connector.js';
import { errorReply } from '../core/core.js';
import type { DeliverySink } from '../core/delivery.js';
import { createLogger } from '../core/log.js';
import { deliveryFrame } from './ws-frame.js';

const log = createLogger('ws');

export interface WsTransportOptions {
  maxMessageBytes: number;
  /** [LIMIT-11] Most messages one frame may carry. */
  maxBatch: number;
  /** [LIMIT-7] Frames read but not yet answered before the socket stops being read. */
  maxFramesInFlight: number;
  maxSessionsPerConnection: number;
  /** Unsent bytes past which deliveries wait in the session's (bounded) queue. */
  highWaterBytes: number;
  /** [LIMIT-8] A socket with no frame for this long is closed (clients connect every `timeout`). */
  idleMs: number;
  /** [SEC-6] Whether this Origin (and Host) may open a socket. */
  origin: (origin: string | undefined, host: string | undefined) => boolean;
}

/** When this module loaded: `clockMs` counts from here. */
const EPOCH = Date.now();

/**
 * A clock for `lastActivity` in milliseconds since the module loaded: a small integer is kept in
 * the connection itself, where `Date.now()` (too large for one) took a number box of its own per
 * socket (16 bytes). `Math.floor` makes the difference a small integer again; a bare subtraction
 * stays a boxed double. (Past 24 days the values get the box again, and still compare right.)
 */
const clockMs = (): number => Math.floor(Date.now() - EPOCH);

/**
 * The `ws` socket, with its connection beside it: the socket's listeners are then functions shared
 * by every socket (`this` is the socket), not two closures and their context per connection
 * (~150 bytes of heap per idle session).
 */
class KuiperSocket extends WebSocket {
  conn: WsConnection | undefined = undefined;
  /**
   * `ws`'s negotiated extensions, which its receiver and sender only read: with compression off
   * (perMessageDeflate false) the server never negotiates one, so every socket shares one empty,
   * frozen object where `ws` made one per socket (~56 bytes of heap per idle session). A private
   * field of `ws` 8: its server side replaces it when it negotiates compression, never writes into it.
   */
  _extensions = NO_EXTENSIONS;

  /** `ws`'s count of pongs not yet written (LIMIT: its maxPendingAutoPongs). */
  declare _pendingAutoPongs: number;

  /**
   * `ws`'s callback for its automatic pongs, which its constructor makes for every socket (a
   * closure and its context, ~96 bytes of heap per idle session) though a socket is seldom pinged:
   * here it is made for each pong sent. The setter takes the constructor's assignment (a private
   * field of `ws` 8, read only by its ping listener).
   */
  get _autoPongComplete(): () => void {
    return () => {
      this._pendingAutoPongs--;
    };
  }

  set _autoPongComplete(_perSocket: () => void) {}
}

const NO_EXTENSIONS: Readonly<Record<string, never>> = Object.freeze({});

/** `ws` calls its listeners with the socket as `this`: every socket of this server is a KuiperSocket. */
function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as KuiperSocket).conn?.onMessage(isBinary ? '' : data.toString());
}

function onSocketClose(this: WebSocket): void {
  const socket = this as KuiperSocket;
  const conn = socket.conn;
  socket.conn = undefined;
  conn?.closed();
}

/** `ws` emits `error` before it closes: the socket goes. */
function terminateOnError(this: WebSocket): void {
  this.terminate();
}

export class WsTransport {
  private readonly wss: WebSocketServer;
  /** Every open connection: the idle sweep's and shutdown's list, which a connection leaves when it closes. */
  readonly sockets = new Set<WsConnection>();

  constructor(
    readonly connector: Connector,
    readonly options: WsTransportOptions,
  ) {
    // clientTracking off: `sockets` below already holds every connection (one Set entry, not two).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: KuiperSocket,
    });
    this.idleTimer = setInterval(() => this.closeIdle(clockMs()), Math.max(1000, options.idleMs / 4));
    this.idleTimer.unref();
  }

  private readonly idleTimer: NodeJS.Timeout;

  /** Sockets that never handshake, or whose client vanished without a close, hold a descriptor each. */
  private closeIdle(now: number): void {
    for (const conn of this.sockets) {
      if (now - conn.lastActivity > this.options.idleMs) conn.close(1001, 'idle');
    }
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.options.origin(req.headers.origin, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n403::origin_denied');
      return;
    }
    // Nothing of the upgrade request is kept: the connection needs only the socket.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(new WsConnection(ws as KuiperSocket, socket, this));
    });
  }

  close(): void {
    clearInterval(this.idleTimer);
    for (const conn of [...this.sockets]) conn.terminate();
    this.sockets.clear();
    this.wss.close();
  }
}

const NO_SESSIONS: readonly string[] = Object.freeze([]);

/** [DELIV-2] A full socket's waiters (WsConnection.drain). */
interface DrainWaiters {
  readonly listeners: Set<() => void>;
  /** Whether a `drain` listener is on the socket. */
  armed: boolean;
  readonly drained: () => void;
  readonly resumeReading: () => void;
}

/** The frame chain's start when no frame is in flight: one settled promise for every socket. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * One socket, possibly carrying several sessions (each streamed to it by its own flow). An idle
 * socket is most of what an idle session costs, so what is only needed sometimes (drain
 * listeners, the callbacks that resume reading) is made when first needed.
 */
class WsConnection extends Departed implements AnswerSink, DeliverySink {
  /**
   * The sessions on this socket (handshaken or connected here): a few at most (LIMIT-5), usually
   * one, kept as the bare id (an array of one was 56 bytes per idle session). Arrays are replaced,
   * never grown in place: a push (or a spread) would give the array room for 17.
   */
  private carried: string | readonly string[] = NO_SESSIONS;

  private get sessions(): readonly string[] {
    const carried = this.carried;
    return typeof carried === 'string' ? [carried] : carried;
  }

  /** How many sessions the socket carries, read on every frame (no array made for it). */
  private get sessionCount(): number {
    const carried = this.carried;
    return typeof carried === 'string' ? 1 : carried.length;
  }
  /** Frames are handled one at a time so replies keep the order the client sent; undefined when none is in flight. */
  private chain: Promise<void> | undefined;

  constructor(
    private readonly ws: KuiperSocket,
    /** The socket `ws` writes to: its `drain` says when unsent bytes went out (`ws` has no such event). */
    private readonly socket: Duplex,
    private readonly transport: WsTransport,
  ) {
    super();
    ws.conn = this;
    ws.on('message', onSocketMessage);
    ws.on('error', terminateOnError);
    ws.on('close', onSocketClose);
  }

  /** The transport's, shared by every connection (one field per connection, not three). */
  private get connector(): Connector {
    return this.transport.connector;
  }

  private get options(): WsTransportOptions {
    return this.transport.options;
  }

  /** [WS-2] The socket goes on carrying deliveries between connects: a hold's answer is its reply alone. */
  get lasting(): boolean {
    return true;
  }

  /** A text frame arrived (binary frames come as '', which the codec refuses). */
  onMessage(text: string): void {
    this.lastActivity = clockMs();
    this.pendingFrames++;
    if (this.pendingFrames >= this.options.maxFramesInFlight) this.pause();
    const chain = (this.chain ?? SETTLED)
      .then(() => this.onFrame(text))
      .catch((err: unknown) => log.error('frame failed', err))
      .finally(() => {
        this.pendingFrames--;
        // The last frame answered: an idle socket keeps no promise.
        if (this.chain === chain) this.chain = undefined;
        this.maybeResume();
      });
    this.chain = chain;
  }

  /** When the last frame arrived (`clockMs`); a socket silent for longer than the idle limit is closed. */
  lastActivity = clockMs();
  private pendingFrames = 0;
  private paused = false;

  /**
   * [LIMIT-7] Flow control on what the client sends: frames wait their turn, and a client that
   * sends faster than it is answered (`maxFramesInFlight`), or does not read its replies, is not
   * read from until it catches up, so neither the frame chain nor the socket's send buffer grows
   * without end.
   */
  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws.pause();
  }

  private maybeResume(): void {
    if (!this.paused || this.pendingFrames > this.options.maxFramesInFlight / 2) return;
    if (this.full) {
      // One listener however often it is asked (the set keeps it once): read again once drained.
      if (this.writable) this.onDrain(this.waiters().resumeReading);
      return;
    }
    this.paused = false;
    this.ws.resume();
  }

  /** [WS-3] A closed socket takes nothing: its sessions' deliveries stay queued. */
  get writable(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** [LIMIT-6] A socket that stops reading: deliveries wait in the bounded queue, not in the socket. */
  get full(): boolean {
    return this.ws.bufferedAmount > this.options.highWaterBytes;
  }

  /**
   * Who waits for this socket to drop below its high-water mark (flows, and reading it again), with
   * the callbacks that serve them: one field, made the first time the socket is full (an idle
   * socket never is), where four fields were 32 bytes on every connection.
   */
  private drain: DrainWaiters | undefined;

  private waiters(): DrainWaiters {
    return (this.drain ??= {
      listeners: new Set(),
      armed: false,
      drained: () => this.onSocketDrain(),
      resumeReading: () => this.maybeResume(),
    });
  }

  /**
   * [DELIV-2] Told once the socket is no longer full. Past the high-water mark the socket's own
   * buffer is past its (far smaller) mark too (no compression: `ws` queues nothing of its own), so
   * a `drain` follows once it empties; if `ws` still holds bytes then, the next `drain` is awaited.
   */
  onDrain(listener: () => void): () => void {
    const drain = this.waiters();
    const listeners = drain.listeners;
    listeners.add(listener);
    if (!drain.armed) {
      drain.armed = true;
      this.socket.once('drain', drain.drained);
    }
    return () => listeners.delete(listener);
  }

  private onSocketDrain(): void {
    const drain = this.waiters();
    drain.armed = false;
    const waiting = drain.listeners;
    if (waiting.size === 0 || !this.writable) return;
    if (this.full) {
      drain.armed = true;
      this.socket.once('drain', drain.drained);
      return;
    }
    const listeners = [...waiting];
    waiting.clear();
    for (const listener of listeners) listener();
  }

  /** DeliverySink: deliveries, or a held connect's answer. */
  write(messages: Message[]): void {
    if (messages.length === 0 || this.ws.readyState !== this.ws.OPEN) return;
    // [WS-5] A lone broadcast is the common case: its whole frame is built once for all sockets and
    // written as it is. Safe beside `ws`'s own writes (pongs, close): without compression its
    // sender never holds a frame back, so every frame reaches the socket whole and in order, and
    // `bufferedAmount` (LIMIT-6) counts these bytes as the socket's.
    this.socket.write(deliveryFrame(messages));
  }

  private async onFrame(text: string): Promise<void> {
    const decoded = decodeJson(text, this.options.maxBatch);
    if (!decoded.ok) return this.write([errorReply({}, decoded.error)]);
    // [LIMIT-5] A socket carries a bounded number of sessions: a handshake past it is refused.
    if (this.sessionCount >= this.options.maxSessionsPerConnection) await this.forgetEndedSessions();
    if (this.sessionCount >= this.options.maxSessionsPerConnection) {
      const hs = decoded.messages.find((m) => m['channel'] === '/meta/handshake');
      if (hs) return this.write([errorReply(hs, bayeuxError('sessions_exceeded', String(this.options.maxSessionsPerConnection)), { reconnect: 'none' })]);
    }
    const result = await this.connector.process(decoded.messages, 'websocket');
    this.write(result.replies);
    if (this.full) this.pause();
    if (result.handshake) this.carry(result.handshake);
    const connect = result.connect;
    if (!connect || this.aborted) return;
    this.carry(connect.clientId);
    // The connect's own wait runs beside the socket's other frames: the next one is not held up by it.
    // The connection is its holds' departure signal too (one object less per idle session).
    this.connector.holdInto(connect, this, this, this);
  }

  /** Only live sessions count against the per-socket bound (disconnected or pruned ones do not). */
  private async forgetEndedSessions(): Promise<void> {
    for (const id of this.sessions) {
      if (!(await this.connector.hasSession(id))) this.forget(id);
    }
  }

  private carry(clientId: string): void {
    const carried = this.carried;
    if (carried === NO_SESSIONS) this.carried = clientId;
    else if (carried !== clientId && !this.sessions.includes(clientId)) this.carried = this.sessions.concat(clientId);
  }

  private forget(clientId: string): void {
    this.connector.unstream(clientId, this);
    const left = this.sessions.filter((id) => id !== clientId);
    this.carried = left.length === 1 ? (left[0] as string) : left.length === 0 ? NO_SESSIONS : left;
  }

  /** AnswerSink: a held connect's answer (undefined when the socket closed first). */
  answer(reply: Message[] | undefined): void {
    if (reply) this.write(reply);
  }

  closed(): void {
    this.transport.sockets.delete(this);
    // Held connects let go without a reply; the sessions stay until pruned, so a client that
    // reconnects within maxInterval finds its subscriptions and queued messages intact.
    this.abort();
    for (const id of this.sessions) this.connector.unstream(id, this);
    this.carried = NO_SESSIONS;
  }

  terminate(): void {
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    // A peer that does not answer the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}
