/**
 * The `websocket` transport (SPEC: WS-*): the `ws` package on the mount path. Each text frame is a
 * JSON array (or object) of messages. Replies go back at once. A socket is the `DeliverySink` of
 * the sessions connected on it: the connector streams their deliveries to it (one array frame per
 * turn) and answers their held connects; this file only frames, reads and applies backpressure.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { bayeuxError, type Message } from '@kuiper/protocol';
import { decodeJson, encodeFrame } from '../core/codec.js';
import { type AnswerSink, type Connector, Departed } from '../core/connector.js';
import { errorReply } from '../core/core.js';
import type { DeliverySink } from '../core/delivery.js';
import { createLogger } from '../core/log.js';

const log = createLogger('ws');

/** Frames read but not yet answered before the socket stops being read. */
const MAX_PENDING_FRAMES = 16;

export interface WsTransportOptions {
  maxMessageBytes: number;
  maxSessionsPerConnection: number;
  /** Unsent bytes past which deliveries wait in the session's (bounded) queue. */
  highWaterBytes: number;
  /** [LIMIT-8] A socket with no frame for this long is closed (clients connect every `timeout`). */
  idleMs: number;
  /** [SEC-6] Whether this Origin (and Host) may open a socket. */
  origin: (origin: string | undefined, host: string | undefined) => boolean;
}

export class WsTransport {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WsConnection>();

  constructor(
    private readonly connector: Connector,
    private readonly options: WsTransportOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
    this.idleTimer = setInterval(() => this.closeIdle(Date.now()), Math.max(1000, options.idleMs / 4));
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
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WsConnection(ws, socket, this.connector, this.options);
      this.sockets.add(conn);
      ws.once('close', () => {
        this.sockets.delete(conn);
        conn.closed();
      });
    });
  }

  close(): void {
    clearInterval(this.idleTimer);
    for (const conn of this.sockets) conn.terminate();
    this.sockets.clear();
    this.wss.close();
  }
}

/** One socket, possibly carrying several sessions (each streamed to it by its own flow). */
class WsConnection implements AnswerSink, DeliverySink {
  /** The sessions on this socket (handshaken or connected here). */
  private readonly sessions = new Set<string>();
  /** [WS-2] The socket goes on carrying deliveries between connects: a hold's answer is its reply alone. */
  readonly lasting = true;
  private readonly departed = new Departed();
  /** Frames are handled one at a time so replies keep the order the client sent. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    /** The socket `ws` writes to: its `drain` says when unsent bytes went out (`ws` has no such event). */
    private readonly socket: Duplex,
    private readonly connector: Connector,
    private readonly options: WsTransportOptions,
  ) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.lastActivity = Date.now();
      this.pendingFrames++;
      if (this.pendingFrames >= MAX_PENDING_FRAMES) this.pause();
      this.chain = this.chain
        .then(() => this.onFrame(text))
        .catch((err) => log.error('frame failed', err))
        .finally(() => {
          this.pendingFrames--;
          this.maybeResume();
        });
    });
    ws.on('error', () => ws.terminate());
  }

  /** When the last frame arrived; a socket silent for longer than the idle limit is closed. */
  lastActivity = Date.now();
  private pendingFrames = 0;
  private paused = false;

  /**
   * [LIMIT-7] Flow control on what the client sends: frames wait their turn, and a client that
   * sends faster than it is answered, or does not read its replies, is not read from until it
   * catches up, so neither the frame chain nor the socket's send buffer grows without end.
   */
  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws.pause();
  }

  private maybeResume(): void {
    if (!this.paused || this.pendingFrames > MAX_PENDING_FRAMES / 2) return;
    if (this.full) {
      // One listener however often it is asked (the set keeps it once): read again once drained.
      if (this.writable) this.onDrain(this.resumeReading);
      return;
    }
    this.paused = false;
    this.ws.resume();
  }

  private readonly resumeReading = (): void => this.maybeResume();

  /** [WS-3] A closed socket takes nothing: its sessions' deliveries stay queued. */
  get writable(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** [LIMIT-6] A socket that stops reading: deliveries wait in the bounded queue, not in the socket. */
  get full(): boolean {
    return this.ws.bufferedAmount > this.options.highWaterBytes;
  }

  /** Who waits for this socket to drop below its high-water mark (flows, and reading it again). */
  private readonly drainListeners = new Set<() => void>();
  private drainArmed = false;

  /**
   * [DELIV-2] Told once the socket is no longer full. Past the high-water mark the socket's own
   * buffer is past its (far smaller) mark too (no compression: `ws` queues nothing of its own), so
   * a `drain` follows once it empties; if `ws` still holds bytes then, the next `drain` is awaited.
   */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    if (!this.drainArmed) {
      this.drainArmed = true;
      this.socket.once('drain', this.drained);
    }
    return () => this.drainListeners.delete(listener);
  }

  private readonly drained = (): void => {
    this.drainArmed = false;
    if (this.drainListeners.size === 0 || !this.writable) return;
    if (this.full) {
      this.drainArmed = true;
      this.socket.once('drain', this.drained);
      return;
    }
    const listeners = [...this.drainListeners];
    this.drainListeners.clear();
    for (const listener of listeners) listener();
  };

  /** DeliverySink: deliveries, or a held connect's answer. */
  write(messages: Message[]): void {
    if (messages.length === 0 || this.ws.readyState !== this.ws.OPEN) return;
    // A lone broadcast is the common case: its frame bytes are encoded once for all sockets.
    this.ws.send(encodeFrame(messages), { binary: false });
  }

  private async onFrame(text: string): Promise<void> {
    const decoded = decodeJson(text);
    if (!decoded.ok) return this.write([errorReply({}, decoded.error)]);
    // [LIMIT-5] A socket carries a bounded number of sessions: a handshake past it is refused.
    if (this.sessions.size >= this.options.maxSessionsPerConnection) await this.forgetEndedSessions();
    if (this.sessions.size >= this.options.maxSessionsPerConnection) {
      const hs = decoded.messages.find((m) => m['channel'] === '/meta/handshake');
      if (hs) return this.write([errorReply(hs, bayeuxError('sessions_exceeded', String(this.options.maxSessionsPerConnection)), { reconnect: 'none' })]);
    }
    const result = await this.connector.process(decoded.messages, 'websocket');
    this.write(result.replies);
    if (this.full) this.pause();
    if (result.handshake) this.sessions.add(result.handshake);
    const connect = result.connect;
    if (!connect || this.departed.aborted) return;
    this.sessions.add(connect.clientId);
    // The connect's own wait runs beside the socket's other frames: the next one is not held up by it.
    this.connector.holdInto(connect, this.departed, this, this);
  }

  /** Only live sessions count against the per-socket bound (disconnected or pruned ones do not). */
  private async forgetEndedSessions(): Promise<void> {
    for (const id of [...this.sessions]) {
      if (!(await this.connector.hasSession(id))) this.forget(id);
    }
  }

  private forget(clientId: string): void {
    this.connector.unstream(clientId, this);
    this.sessions.delete(clientId);
  }

  /** AnswerSink: a held connect's answer (undefined when the socket closed first). */
  answer(reply: Message[] | undefined): void {
    if (reply) this.write(reply);
  }

  fail(err: unknown): void {
    log.error('connect failed', err);
  }

  closed(): void {
    // Held connects let go without a reply; the sessions stay until pruned, so a client that
    // reconnects within maxInterval finds its subscriptions and queued messages intact.
    this.departed.abort();
    for (const id of this.sessions) this.connector.unstream(id, this);
    this.sessions.clear();
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
