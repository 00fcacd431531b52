/**
 * Turns a processed batch into responses, the one place that knows how a held /meta/connect ends
 * (SPEC: CONN-*). Transports call `respond` (request/response: long-polling, callback-polling) or
 * `open`/`flush` (streams: websocket), and never touch the engine's queues themselves.
 */
import type { BayeuxCore, HeldConnect, ProcessResult } from './core.js';
import type { Engine } from './engine.js';
import type { Message, RawMessage } from './message.js';

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

/**
 * What a hold needs of an AbortSignal: `Departed` below, or an AbortSignal itself.
 */
export interface Departure {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * Tells holds that their client went away. Transports make one per request or socket instead of
 * an AbortController: that is an EventTarget, whose listeners cost ~3% of a long-poll's CPU and
 * a few hundred bytes per idle WebSocket session. A socket usually has one listener at a time.
 */
export class Departed implements Departure {
  aborted = false;
  private listeners: (() => void) | Set<() => void> | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (typeof listeners === 'function') listeners();
    else if (listeners) for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    const current = this.listeners;
    if (current === undefined) this.listeners = listener;
    else if (typeof current === 'function') this.listeners = new Set([current, listener]);
    else current.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const current = this.listeners;
    if (current === listener) this.listeners = undefined;
    else if (typeof current === 'object') current.delete(listener);
  }
}

export class Connector {
  /** The held connect of each session on this node: a second connect releases the first. */
  private readonly held = new Map<string, () => void>();
  /** Holds not yet resolved, so shutdown can wait for the answers it forces. */
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
  async respond(raws: readonly RawMessage[], transport: string, signal?: Departure): Promise<Message[]> {
    const result = await this.process(raws, transport);
    if (!result.connect) return result.replies;
    const delivered = await this.hold(result.connect, signal);
    if (delivered === undefined) return result.replies;
    return [...result.replies, ...delivered];
  }

  /**
   * Waits until messages are queued, the hold time passes, the session goes, a newer connect
   * arrives, or `signal` aborts. Resolves with deliveries followed by the connect reply, or
   * undefined when aborted. With `wakeOnQueue` false (streams) queued messages do not end it and
   * the reply comes alone: the stream is the queue's one consumer, so its flushes keep the order
   * (a take here could resolve between two of its flushes and reorder them).
   */
  hold(connect: HeldConnect, signal?: Departure, wakeOnQueue = true): Promise<Message[] | undefined> {
    const { clientId } = connect;
    const engine = this.engine;
    // [CONN-3] One held connect per session: the older one is answered now.
    this.held.get(clientId)?.();
    engine.connectOpened(clientId);
    const answer = new Promise<Message[] | undefined>((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      let unwatch: () => void = () => {};
      const finish = (aborted: boolean): void => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        unwatch();
        signal?.removeEventListener('abort', onAbort);
        if (this.held.get(clientId) === release) this.held.delete(clientId);
        engine.connectClosed(clientId);
        if (aborted) return resolve(undefined);
        resolve(this.core.completeConnect(connect, wakeOnQueue));
      };
      const release = (): void => finish(false);
      const onAbort = (): void => finish(true);
      this.held.set(clientId, release);
      if (signal?.aborted) return finish(true);
      signal?.addEventListener('abort', onAbort);
      if (connect.holdMs <= 0) return finish(false);
      // Deliveries end the wait at once; coalescing happens naturally because everything queued by
      // the time this microtask runs goes out in the same response.
      // Streaming transports (websocket) flush deliveries themselves and keep the connect held.
      if (wakeOnQueue) {
        const arrived = performance.now();
        let woken = false;
        unwatch = engine.watch(clientId, () => {
          if (woken) return;
          woken = true;
          // Whole milliseconds: Node keeps one timer list per distinct duration.
          const delay = Math.max(this.batchDelayMs, Math.ceil(this.pollPacingMs - (performance.now() - arrived)));
          if (delay > 0) setTimeout(release, delay);
          else queueMicrotask(release);
        });
      }
      if (!done) timer = setTimeout(release, connect.holdMs);
    });
    this.pending.add(answer);
    const forget = (): void => void this.pending.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  /** Answers the session's held connect now, if it has one on this node. */
  release(clientId: string): void {
    this.held.get(clientId)?.();
  }

  /**
   * Releases every held connect (server shutdown) and resolves once their answers are ready, so
   * the transports write them before sockets close: with a shared engine, deliveries taken for a
   * reply that never leaves would be lost to the whole cluster.
   */
  async releaseAll(): Promise<void> {
    for (const release of [...this.held.values()]) release();
    await Promise.allSettled([...this.pending]);
  }
}
