/**
 * The `websocket` transport (SPEC: WS-*): the `ws` package on the mount path. Each text frame is a
 * JSON array (or object) of messages. Replies go back at once; deliveries stream as they are
 * queued, coalesced per tick into one array frame; a held connect is answered when its time is up.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { bayeuxError, type Message } from '@kuiper/protocol';
import { decodeJson, encodeFrame } from '../core/codec.js';
import { type AnswerSink, type Connector, Departed } from '../core/connector.js';
import { errorReply } from '../core/core.js';
import { createLogger } from '../core/log.js';
import { onNextTurn } from './next-turn.js';

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
      const conn = new WsConnection(ws, this.connector, this.options);
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

interface Slot {
  /** Flushes the session's queue; one closure per session so next-turn wake-ups de-duplicate. */
  readonly flush: () => void;
  /** Stops this socket being the session's watcher; undefined until its first connect here. */
  unwatch: (() => void) | undefined;
  /** Waiting for a backed-up socket to drain. */
  retrying: boolean;
}

/** One socket, possibly carrying several sessions (each with its own watcher). */
class WsConnection implements AnswerSink {
  /**
   * The sessions on this socket (handshaken or connected here), one small record each: a socket
   * usually carries one session, and one Map costs less per idle connection than four.
   */
  private readonly slots = new Map<string, Slot>();
  private readonly departed = new Departed();
  /** Frames are handled one at a time so replies keep the order the client sent. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
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
    if (this.ws.bufferedAmount > this.options.highWaterBytes) {
      if (this.ws.readyState === this.ws.OPEN) setTimeout(() => this.maybeResume(), 50).unref();
      return;
    }
    this.paused = false;
    this.ws.resume();
  }

  private send(messages: Message[]): void {
    if (messages.length === 0 || this.ws.readyState !== this.ws.OPEN) return;
    // A lone broadcast is the common case: its frame bytes are encoded once for all sockets.
    this.ws.send(encodeFrame(messages), { binary: false });
  }

  private async onFrame(text: string): Promise<void> {
    const decoded = decodeJson(text);
    if (!decoded.ok) return this.send([errorReply({}, decoded.error)]);
    // [LIMIT-5] A socket carries a bounded number of sessions: a handshake past it is refused.
    if (this.slots.size >= this.options.maxSessionsPerConnection) await this.forgetEndedSessions();
    if (this.slots.size >= this.options.maxSessionsPerConnection) {
      const hs = decoded.messages.find((m) => m['channel'] === '/meta/handshake');
      if (hs) return this.send([errorReply(hs, bayeuxError('sessions_exceeded', String(this.options.maxSessionsPerConnection)), { reconnect: 'none' })]);
    }
    const result = await this.connector.process(decoded.messages, 'websocket');
    this.send(result.replies);
    if (this.ws.bufferedAmount > this.options.highWaterBytes) this.pause();
    if (result.handshake) this.slot(result.handshake);
    const connect = result.connect;
    // A connect that arrives on a socket already closed is not held: holding it would release the
    // live connect of the socket the client has moved to.
    if (!connect || this.departed.aborted) return;
    // [ACK-3] Ack sessions get deliveries only in connect replies (numbered batches), so the
    // connect ends when messages are queued, as on long-polling; others stream.
    const streaming = !(await this.connector.engine.isAck(connect.clientId));
    if (this.departed.aborted) return;
    if (streaming) this.watch(connect.clientId);
    // The connect's own wait runs beside the stream; the next frame is not held up by it. A
    // streaming connect's final reply carries no deliveries: the flushes below are the queue's
    // one consumer on this socket, and each writes as soon as its take resolves (takes resolve in
    // the order issued), so deliveries keep queue order.
    this.connector.holdInto(connect, this.departed, !streaming, this);
  }

  /** Only live sessions count against the per-socket bound (disconnected or pruned ones do not). */
  private async forgetEndedSessions(): Promise<void> {
    for (const id of [...this.slots.keys()]) {
      if (!(await this.connector.engine.hasSession(id))) this.forget(id);
    }
  }

  private slot(clientId: string): Slot {
    let slot = this.slots.get(clientId);
    if (!slot) {
      const flush = (): void => void this.flush(clientId).catch((err: unknown) => log.error('flush failed', err));
      slot = { flush, unwatch: undefined, retrying: false };
      this.slots.set(clientId, slot);
    }
    return slot;
  }

  private forget(clientId: string): void {
    this.slots.get(clientId)?.unwatch?.();
    this.slots.delete(clientId);
  }

  /**
   * Streams a session's deliveries over this socket from its first connect on. Each connect
   * watches again: with a shared engine another node may have become the session's watcher in
   * between (REDIS-2), and the socket the client is using now must be the one delivering.
   */
  private watch(clientId: string): void {
    // A frame handled after the socket closed must not steal the session's watcher (and with it
    // the deliveries) from the socket the client reconnected on.
    if (this.departed.aborted) return;
    const slot = this.slot(clientId);
    const run = slot.flush;
    slot.unwatch = this.connector.engine.watch(clientId, () => onNextTurn(run));
  }

  private async flush(clientId: string): Promise<void> {
    // [WS-3] Never take deliveries for a socket that can no longer carry them: they stay queued.
    if (this.ws.readyState !== this.ws.OPEN) return;
    // [LIMIT-6] A socket that stops reading: leave deliveries in the bounded queue and look again
    // shortly, instead of buffering without end in the socket.
    if (this.ws.bufferedAmount > this.options.highWaterBytes) {
      const slot = this.slots.get(clientId);
      if (slot && !slot.retrying) {
        slot.retrying = true;
        setTimeout(() => {
          slot.retrying = false;
          slot.flush();
        }, 50).unref();
      }
      return;
    }
    const messages = await this.connector.engine.take(clientId);
    if (messages.length > 0) return this.send(messages);
    // Woken with nothing queued: the session was removed. Answer its held connect (with 402).
    if (!(await this.connector.engine.hasSession(clientId))) {
      this.forget(clientId);
      this.connector.release(clientId);
    }
  }

  /** AnswerSink: a held connect's answer (undefined when the socket closed first). */
  answer(reply: Message[] | undefined): void {
    if (reply) this.send(reply);
  }

  fail(err: unknown): void {
    log.error('connect failed', err);
  }

  closed(): void {
    // Held connects let go without a reply; the sessions stay until pruned, so a client that
    // reconnects within maxInterval finds its subscriptions and queued messages intact.
    this.departed.abort();
    for (const slot of this.slots.values()) slot.unwatch?.();
    this.slots.clear();
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
