/**
 * Turns a processed batch into responses, the one place that knows how a held /meta/connect ends
 * (SPEC: CONN-*). Transports call `respond` (request/response: long-polling, callback-polling) or
 * `open`/`flush` (streams: websocket), and never touch the engine's queues themselves.
 */
import type { Message, RawMessage } from '@kuiper/protocol';
import type { BayeuxCore, HeldConnect, ProcessResult } from './core.js';
import type { Engine } from './engine.js';

/**
 * [CONN-9] 100 ms: at most 10 responses a second per polling client. Measured (200 pollers of a
 * 400 msg/s channel, docs/benchmarks.md): a long-poll costs ~200 µs of server CPU on this class of
 * machine whatever it carries, so 10 ms, 50 ms and 100 ms pacing gave 12, 7.4 and 6.9 µs per
 * delivered message, at p99 81, 64 and 126 ms. Long-polling is the fallback; WebSocket streams
 * without any of this.
 */
export const DEFAULT_POLL_PACING_MS = 100;

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
  aborted = false;
  private listeners: DepartureListener | Set<DepartureListener> | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners instanceof Set) for (const listener of listeners) call(listener);
    else if (listeners) call(listeners);
  }

  addEventListener(_type: 'abort', listener: DepartureListener): void {
    const current = this.listeners;
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

const call = (listener: DepartureListener): void => (typeof listener === 'function' ? listener() : listener.handleEvent());

/** Where a hold's answer goes: deliveries then the connect reply, or undefined when aborted. */
export interface AnswerSink {
  answer(messages: Message[] | undefined): void;
  fail(err: unknown): void;
}

/**
 * One held /meta/connect. A record with its state in fields, whose timers call one static
 * function with the record as argument: an idle WebSocket session keeps its hold for `timeout`,
 * and six closures, their contexts and two promises per hold cost ~1 KiB of heap each.
 */
class Hold {
  done = false;
  woken = false;
  arrived = 0;
  timer: NodeJS.Timeout | undefined;
  unwatch: (() => void) | undefined;

  constructor(
    readonly connector: Connector,
    readonly connect: HeldConnect,
    readonly signal: Departed | undefined,
    readonly takeQueued: boolean,
    readonly sink: AnswerSink,
  ) {}

  /** The client went away (Departed listener protocol). */
  handleEvent(): void {
    this.connector.finish(this, true);
  }
}

function releaseHold(hold: Hold): void {
  hold.connector.finish(hold, false);
}

export class Connector {
  /** The held connect of each session on this node: a second connect releases the first. */
  private readonly held = new Map<string, Hold>();
  /** Answers being computed, so shutdown can wait for the ones it forces. */
  private readonly pending = new Set<Promise<unknown>>();

  private readonly batchDelayMs: number;
  private readonly pollPacingMs: number;

  constructor(
    readonly core: BayeuxCore,
    readonly engine: Engine,
    pacing: ConnectPacing = {},
  ) {
    this.batchDelayMs = pacing.batchDelayMs ?? 0;
    this.pollPacingMs = pacing.pollPacingMs ?? 0;
  }

  process(raws: readonly RawMessage[], transport: string): Promise<ProcessResult> {
    return this.core.process(raws, { transport });
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
   * undefined when aborted. With `wakeOnQueue` false (streams) queued messages do not end it and
   * the reply comes alone: the stream is the queue's one consumer, so its flushes keep the order
   * (a take here could resolve between two of its flushes and reorder them).
   */
  hold(connect: HeldConnect, signal?: Departed, wakeOnQueue = true): Promise<Message[] | undefined> {
    return new Promise((resolve, reject) => this.holdInto(connect, signal, wakeOnQueue, { answer: resolve, fail: reject }));
  }

  /** `hold` without a promise per held connect: the answer goes to `sink` (a WebSocket connection). */
  holdInto(connect: HeldConnect, signal: Departed | undefined, wakeOnQueue: boolean, sink: AnswerSink): void {
    const { clientId } = connect;
    // [CONN-3] One held connect per session: the older one is answered now.
    const older = this.held.get(clientId);
    if (older) this.finish(older, false);
    this.engine.connectOpened(clientId);
    const hold = new Hold(this, connect, signal, wakeOnQueue, sink);
    this.held.set(clientId, hold);
    if (signal?.aborted) return this.finish(hold, true);
    signal?.addEventListener('abort', hold);
    if (connect.holdMs <= 0) return this.finish(hold, false);
    // Streaming transports (websocket) flush deliveries themselves and keep the connect held.
    if (wakeOnQueue) {
      hold.arrived = performance.now();
      hold.unwatch = this.engine.watch(clientId, () => this.woken(hold));
    }
    if (!hold.done) hold.timer = setTimeout(releaseHold, connect.holdMs, hold);
  }

  /** [CONN-8][CONN-9] Deliveries are queued: answer after the batch delay and the pacing. */
  private woken(hold: Hold): void {
    if (hold.woken || hold.done) return;
    hold.woken = true;
    const elapsed = performance.now() - hold.arrived;
    // Whole milliseconds (Node keeps one timer list per distinct duration), never past the hold time.
    const paced = Math.max(this.batchDelayMs, Math.ceil(this.pollPacingMs - elapsed));
    const delay = Math.min(paced, Math.max(0, Math.ceil(hold.connect.holdMs - elapsed)));
    if (delay <= 0) return void queueMicrotask(() => this.finish(hold, false));
    if (hold.timer) clearTimeout(hold.timer);
    hold.timer = setTimeout(releaseHold, delay, hold);
  }

  /** Ends a hold: aborted (nothing taken, the queue stays for the next connect) or answered. */
  finish(hold: Hold, aborted: boolean): void {
    if (hold.done) return;
    hold.done = true;
    if (hold.timer) clearTimeout(hold.timer);
    hold.unwatch?.();
    hold.signal?.removeEventListener('abort', hold);
    const { clientId } = hold.connect;
    if (this.held.get(clientId) === hold) this.held.delete(clientId);
    this.engine.connectClosed(clientId);
    if (aborted) return hold.sink.answer(undefined);
    const completion = this.core.completeConnect(hold.connect, hold.takeQueued);
    this.pending.add(completion);
    completion.then(
      (messages) => {
        this.pending.delete(completion);
        hold.sink.answer(messages);
      },
      (err: unknown) => {
        this.pending.delete(completion);
        hold.sink.fail(err);
      },
    );
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
