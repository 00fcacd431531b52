/**
 * Turns a processed batch into responses, the one place that knows how a held /meta/connect ends
 * and how deliveries leave (SPEC: CONN-*, DELIV-*). Transports call `respond` (request/response:
 * long-polling, callback-polling) or `hold`/`holdInto` with a `DeliverySink` (websocket, the
 * streams), and only frame: they never see the engine. The session's delivery mode, asked of the
 * engine once per connect, decides whether its queue streams to the sink (`Flow`) or goes only with
 * connect replies (ack mode, and any connection without a sink).
 */
import type { Message, RawMessage } from '@kuiper/protocol';
import type { BayeuxCore, HeldConnect, ProcessResult, Taken } from './core.js';
import { type Deadline, DeadlineQueue } from './deadline-queue.js';
import { ackNamed, type DeliverySink, Flow, lostBatch, takeForAnswer } from './delivery.js';
import type { DeliveryMode, Engine } from './engine.js';
import { UNAVAILABLE_ADVICE, engineUnavailable, errorReply } from './replies.js';
import { onNextTurn } from './next-turn.js';
import type { SessionInfo } from './security.js';

/**
 * [CONN-9] 100 ms: at most 10 responses a second per polling client. Measured (200 pollers of a
 * 400 msg/s channel, docs/benchmarks.md): a long-poll costs ~200 µs of server CPU on this class of
 * machine whatever it carries, so 10 ms, 50 ms and 100 ms pacing gave 12, 7.4 and 6.9 µs per
 * delivered message, at p99 81, 64 and 126 ms. Long-polling is the fallback; WebSocket streams
 * without any of this.
 */
export const DEFAULT_POLL_PACING_MS = 100;

/**
 * [CONN-9] On a lasting connection, a busy stream's answers are at least this far apart (or
 * batchDelayMs, if larger), counted from the connect's arrival. Measured (collab-presence bench:
 * 50 ack sessions on WebSocket, 1,000 cursor updates/s): 10 ms gave 12.2 µs of server CPU per
 * delivered update at p99 30 ms; each answer is one frame and one write syscall per session.
 */
export const LASTING_BUSY_BATCH_MS = 20;

/** When a held connect that deliveries woke is answered (SPEC: CONN-8, CONN-9). */
export interface ConnectPacing {
  /**
   * [CONN-8] How long a held connect waits after the first delivery before it is answered, so
   * the messages of the next few milliseconds go in the same response instead of costing a new
   * request each (CometD's "lazy" delivery). 0 answers on the next microtask.
   */
  batchDelayMs?: number;
  /**
   * [CONN-9] The least time between a connect's arrival and its answer when deliveries woke it.
   * A client polling a busy channel then costs at most 1000 / pollPacingMs requests a second,
   * each carrying everything queued, however fast messages come; a quiet channel's message,
   * arriving long after the connect, still goes out after `batchDelayMs`.
   */
  pollPacingMs?: number;
}

/** Told when a client went away: a function, or an object (a hold) with `handleEvent`. */
export type DepartureListener = (() => void) | { handleEvent(): void };

/**
 * Tells holds that their client went away. Transports make one per request or socket instead of
 * an AbortController: that is an EventTarget, whose listeners cost ~3% of a long-poll's CPU and
 * a few hundred bytes per idle WebSocket session. A socket usually has one listener at a time.
 */
export class Departed {
  /** Its listeners, or ABORTED once it fired (one field for both: 8 bytes less per socket and request). */
  private listeners: DepartureListener | Set<DepartureListener> | typeof ABORTED | undefined;

  get aborted(): boolean {
    return this.listeners === ABORTED;
  }

  abort(): void {
    const listeners = this.listeners;
    if (listeners === ABORTED) return;
    this.listeners = ABORTED;
    if (listeners instanceof Set) for (const listener of listeners) call(listener);
    else if (listeners) call(listeners);
  }

  /** A listener added once the client is gone is never called (as with an aborted AbortSignal). */
  addEventListener(_type: 'abort', listener: DepartureListener): void {
    const current = this.listeners;
    if (current === ABORTED) return;
    if (current === undefined) this.listeners = listener;
    else if (current instanceof Set) current.add(listener);
    else this.listeners = new Set([current, listener]);
  }

  removeEventListener(_type: 'abort', listener: DepartureListener): void {
    const current = this.listeners;
    if (current === listener) this.listeners = undefined;
    else if (current instanceof Set) current.delete(listener);
  }
}

const ABORTED: unique symbol = Symbol('aborted');

const call = (listener: DepartureListener): void => (typeof listener === 'function' ? listener() : listener.handleEvent());

/** Where a hold's answer goes: deliveries then the connect reply, or undefined when aborted. */
export interface AnswerSink {
  answer(messages: Message[] | undefined): void;
}

/**
 * [ENG-6] The answer to a connect the engine failed (its delivery mode, its take): `503::engine_unavailable`
 * with retry advice, on every transport, so the client connects again after its backoff instead of
 * waiting out its request timeout. Nothing was taken (a take that failed took nothing here).
 */
function unavailable(request: Message, err: unknown): Message[] {
  return [errorReply(request, engineUnavailable(err), UNAVAILABLE_ADVICE)];
}

/**
 * One held /meta/connect. A record with its state in fields, whose timer is its place in the
 * connector's `DeadlineQueue`: an idle WebSocket session keeps its hold for `timeout`, and six
 * closures, their contexts and two promises per hold cost ~1 KiB of heap each, a `setTimeout` ~180 bytes.
 */
class Hold implements Deadline, HeldConnect {
  /** DONE, WOKEN and PACED in one small integer: three booleans were three fields (24 bytes). */
  private flags = PACED;
  /** When it arrived (`performance.now()`), for a hold that watches the queue itself. */
  arrived = 0;
  /** Its deadline (the `DeadlineQueue`'s fields): when the hold time, or the batch delay, ends. */
  due = 0;
  prevDue: Deadline | undefined = undefined;
  nextDue: Deadline | undefined = undefined;
  dueList: Deadline['dueList'] = undefined;
  unwatch: (() => void) | undefined;

  /**
   * The connect's own fields, copied: the hold is the held connect the core answers (one object
   * kept for the hold time, not the hold and the core's record, 40 bytes more per idle session).
   * Not one class with the core's HeldConnectRecord, though both are a HeldConnect: the record is
   * made by the core before anyone decides to hold (the core knows no connector: connector.ts
   * imports core.ts, not the reverse) and is all a transport may get (stream.ts reads its opening
   * reply first); the hold is the connector's wait, with a deadline, a flow and a sink, made from
   * any HeldConnect (an exported type: one without a session too, hence NO_SESSION).
   */
  readonly clientId: string;
  readonly request: Message;
  readonly transport: string;
  readonly holdMs: number;
  /** The session's data, or NO_SESSION when the connect named none. */
  private readonly data: unknown;

  constructor(
    readonly connector: Connector,
    connect: HeldConnect,
    readonly signal: Departed | undefined,
    readonly mode: DeliveryMode,
    /** Set when the session's queue streams to a connection: it, not the answer, carries deliveries. */
    readonly flow: Flow | undefined,
    readonly sink: AnswerSink,
  ) {
    this.clientId = connect.clientId;
    this.request = connect.request;
    this.transport = connect.transport;
    this.holdMs = connect.holdMs;
    const session = connect.session;
    this.data = session ? session.data : NO_SESSION;
  }

  /** HeldConnect: the reply, made when the hold ends (LIMIT-10). */
  get reply(): Message {
    return this.connector.core.connectReply(this.request, this.clientId);
  }

  /** HeldConnect: the session, for the outgoing extensions (LIFE-7). */
  get session(): SessionInfo | undefined {
    return this.data === NO_SESSION ? undefined : { clientId: this.clientId, data: this.data };
  }

  get done(): boolean {
    return (this.flags & DONE) !== 0;
  }

  get woken(): boolean {
    return (this.flags & WOKEN) !== 0;
  }

  /**
   * [CONN-9] Whether a wake-up waits for pollPacingMs: yes when each answer costs the client a new
   * HTTP request (long-polling, a stream response); no on a lasting connection (an ack session's
   * WebSocket), where the next connect is one frame and pacing would only add up to 100 ms of
   * latency: there batchDelayMs counts from the connect's arrival instead of from the first delivery.
   */
  get paced(): boolean {
    return (this.flags & PACED) !== 0;
  }

  set(flag: number, on: boolean): void {
    this.flags = on ? this.flags | flag : this.flags & ~flag;
  }

  /** The client went away (Departed listener protocol). */
  handleEvent(): void {
    this.connector.finish(this, true);
  }
}

const NO_SESSION = Symbol('no session');
const DONE = 1;
const WOKEN = 2;
const PACED = 4;

export class Connector {
  /** The held connect of each session on this node: a second connect releases the first. */
  private readonly held = new Map<string, Hold>();
  /** The session's flow on this node, if its queue streams to a connection here (one watcher each). */
  private readonly flows = new Map<string, Flow>();
  /** Answers being computed, so shutdown can wait for the ones it forces. */
  private readonly pending = new Set<Promise<unknown>>();
  /** When each hold ends: its hold time, or after a wake-up its batch delay or pacing. */
  private readonly timers = new DeadlineQueue<Hold>((hold) => this.finish(hold, false));

  private readonly batchDelayMs: number;
  private readonly pollPacingMs: number;
  /** [CONN-9] When a lasting connection's connect woken before batchDelayMs is answered, from its arrival. */
  private readonly lastingBatchMs: number;

  constructor(
    readonly core: BayeuxCore,
    private readonly engine: Engine,
    pacing: ConnectPacing = {},
  ) {
    this.batchDelayMs = pacing.batchDelayMs ?? 0;
    this.pollPacingMs = pacing.pollPacingMs ?? 0;
    // No longer than pollPacingMs: a lasting connection is never held more than a polling one.
    this.lastingBatchMs = Math.min(Math.max(this.batchDelayMs, LASTING_BUSY_BATCH_MS), Math.max(this.batchDelayMs, this.pollPacingMs));
  }

  /** `trusted`: the server's in-process transport (SEC-9). */
  process(raws: readonly RawMessage[], transport: string, trusted = false): Promise<ProcessResult> {
    return this.core.process(raws, trusted ? { transport, trusted } : { transport });
  }

  /** Whether a session still exists (a WebSocket counts only live sessions against its bound). */
  hasSession(clientId: string): Promise<boolean> {
    return this.engine.hasSession(clientId);
  }

  /**
   * Request/response transports: runs the batch and resolves with the whole response array,
   * waiting for deliveries when the batch holds a connect. If `signal` aborts (the client went
   * away) the queued messages stay queued for the next connect: nothing is lost.
   */
  async respond(raws: readonly RawMessage[], transport: string, signal?: Departed): Promise<Message[]> {
    const result = await this.process(raws, transport);
    if (!result.connect) return result.replies;
    const delivered = await this.hold(result.connect, signal);
    if (delivered === undefined) return result.replies;
    return result.replies.length === 0 ? delivered : [...result.replies, ...delivered];
  }

  /**
   * Waits until messages are queued, the hold time passes, the session goes, a newer connect
   * arrives, or `signal` aborts. Resolves with deliveries followed by the connect reply, or
   * undefined when aborted. With a `sink` (a stream response, which ends with the hold) a
   * streaming session's deliveries go to it as they are queued instead, and the answer carries
   * what is still queued when the hold ends.
   */
  hold(connect: HeldConnect, signal?: Departed, sink?: DeliverySink): Promise<Message[] | undefined> {
    return new Promise((resolve) => this.holdInto(connect, signal, { answer: resolve }, sink));
  }

  /** `hold` without a promise per held connect: the answer goes to `answer` (a WebSocket connection). */
  holdInto(connect: HeldConnect, signal: Departed | undefined, answer: AnswerSink, sink?: DeliverySink): void {
    this.engine
      .deliveryMode(connect.clientId, ackNamed(connect.request))
      .then((mode) => this.start(connect, signal, answer, sink, mode))
      .catch((err: unknown) => answer.answer(unavailable(connect.request, err)));
  }

  private start(connect: HeldConnect, signal: Departed | undefined, answer: AnswerSink, sink: DeliverySink | undefined, mode: DeliveryMode): void {
    // A connect whose connection already went away is not held: holding it would release the
    // live connect of the connection the client has moved to (CONN-3), or steal its stream.
    if (signal?.aborted) return answer.answer(undefined);
    const { clientId } = connect;
    // [CONN-3] One held connect per session: the older one is answered now, before a new flow starts.
    const older = this.held.get(clientId);
    if (older) this.finish(older, false);
    this.engine.connectOpened(clientId);
    // [ACK-3] Ack sessions get deliveries only in connect replies, on every transport. A connect
    // without a sink (the client fell back to long-polling) ends the session's flow here.
    const flow = sink && !mode.ack ? this.stream(clientId, sink) : undefined;
    if (!flow) this.stopFlow(clientId);
    const hold = new Hold(this, connect, signal, mode, flow, answer);
    this.held.set(clientId, hold);
    signal?.addEventListener('abort', hold);
    // [ACK-4] A connect that lost the batch in flight is answered at once with the redelivery.
    if (hold.holdMs <= 0 || lostBatch(mode, hold.request)) return this.finish(hold, false);
    // The hold time first: a wake-up (below, or later) moves the deadline earlier.
    this.timers.schedule(hold, hold.holdMs);
    // Without a flow, queued deliveries end the hold (CONN-8): they go with its answer.
    if (!flow) {
      hold.arrived = performance.now();
      hold.set(PACED, sink?.lasting !== true);
      hold.unwatch = this.engine.watch(clientId, () => this.woken(hold));
    }
  }

  /** [DELIV-1] Streams the session's queue to `sink` (the same sink again: watches again, REDIS-2). */
  private stream(clientId: string, sink: DeliverySink): Flow {
    let flow = this.flows.get(clientId);
    if (flow?.sink !== sink) {
      // One flow per session on this node: the connection the client uses now delivers.
      flow?.stop();
      flow = new Flow(this.engine, clientId, sink, this.gone);
      this.flows.set(clientId, flow);
    }
    flow.watch();
    return flow;
  }

  /** A flow's wake-up found the session removed: its held connect is answered (402, CONN-5). */
  private readonly gone = (flow: Flow): void => {
    this.endFlow(flow);
    this.release(flow.clientId);
  };

  private endFlow(flow: Flow): void {
    flow.stop();
    if (this.flows.get(flow.clientId) === flow) this.flows.delete(flow.clientId);
  }

  private stopFlow(clientId: string): void {
    const flow = this.flows.get(clientId);
    if (flow) this.endFlow(flow);
  }

  /** The connection closed: its flows stop and the sessions' deliveries stay queued (WS-3, STREAM-7). */
  unstream(clientId: string, sink: DeliverySink): void {
    const flow = this.flows.get(clientId);
    if (flow?.sink === sink) this.endFlow(flow);
  }

  /** [CONN-8][CONN-9] Deliveries are queued: answer after the batch delay and the pacing. */
  private woken(hold: Hold): void {
    if (hold.woken || hold.done) return;
    hold.set(WOKEN, true);
    const elapsed = performance.now() - hold.arrived;
    if (!hold.paced) {
      // [CONN-9] A lasting connection: a connect held batchDelayMs or longer (a quiet stream) is
      // answered on the next turn, with whatever that turn queued; one that came back right after
      // an answer (a busy stream) is answered lastingBatchMs after it arrived.
      const rest = Math.min(Math.ceil(this.lastingBatchMs - elapsed), Math.ceil(hold.holdMs - elapsed));
      if (rest <= 0 || elapsed >= this.batchDelayMs) return onNextTurn(() => this.finish(hold, false));
      return this.timers.schedule(hold, rest);
    }
    // Whole milliseconds (Node keeps one timer list per distinct duration), never past the hold time.
    const paced = Math.max(this.batchDelayMs, Math.ceil(this.pollPacingMs - elapsed));
    const delay = Math.min(paced, Math.max(0, Math.ceil(hold.holdMs - elapsed)));
    if (delay <= 0) return void queueMicrotask(() => this.finish(hold, false));
    this.timers.schedule(hold, delay);
  }

  /** Ends a hold: aborted (nothing taken, the queue stays for the next connect) or answered. */
  finish(hold: Hold, aborted: boolean): void {
    if (hold.done) return;
    hold.set(DONE, true);
    this.timers.cancel(hold);
    hold.unwatch?.();
    hold.signal?.removeEventListener('abort', hold);
    const { clientId } = hold;
    if (this.held.get(clientId) === hold) this.held.delete(clientId);
    this.engine.connectClosed(clientId);
    const flow = hold.flow;
    if (flow && !flow.sink.lasting) this.endFlow(flow);
    if (aborted) return hold.sink.answer(undefined);
    const completion = this.core.completeConnect(hold, this.taking(hold));
    this.pending.add(completion);
    completion.then(
      (messages) => {
        this.pending.delete(completion);
        hold.sink.answer(messages);
      },
      (err: unknown) => {
        this.pending.delete(completion);
        hold.sink.answer(unavailable(hold.request, err));
      },
    );
  }

  /** What goes with a hold's answer; the reply comes alone when a lasting connection streams. */
  private taking(hold: Hold): Promise<Taken> | undefined {
    const { flow, mode } = hold;
    const { clientId, request } = hold;
    if (!flow) return takeForAnswer(this.engine, clientId, mode, request);
    if (flow.sink.lasting || !flow.sink.writable) return undefined;
    // [STREAM-5] A stream ends with what is still queued, taken after the flow's last write.
    return flow.idle().then(() => takeForAnswer(this.engine, clientId, mode, request));
  }

  /** Answers the session's held connect now, if it has one on this node. */
  release(clientId: string): void {
    const hold = this.held.get(clientId);
    if (hold) this.finish(hold, false);
  }

  /**
   * Releases every held connect (server shutdown) and resolves once their answers are ready, so
   * the transports write them before sockets close: with a shared engine, deliveries taken for a
   * reply that never leaves would be lost to the whole cluster.
   */
  async releaseAll(): Promise<void> {
    for (const hold of [...this.held.values()]) this.finish(hold, false);
    await Promise.allSettled([...this.pending]);
  }
}
