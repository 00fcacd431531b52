/**
 * How deliveries leave a session (SPEC: DELIV-*, ACK-*): the one place that takes from the
 * engine's queues. A session is asked its mode once per /meta/connect. In `stream` mode a
 * connection that can carry messages between replies (a WebSocket, a stream response) gets them
 * through a `Flow` as they are queued; otherwise, and always in ack mode, they go with the connect
 * reply (`takeForAnswer`). Transports only frame: they hand the connector a `DeliverySink`.
 */
import type { Message } from '@kuiper/protocol';
import type { Taken } from './core.js';
import type { DeliveryMode, Engine } from './engine.js';
import { createLogger } from './log.js';
import { onNextTurn, type TurnTask } from './next-turn.js';

const log = createLogger('delivery');

/**
 * How long a backed-up connection that cannot say when it drains is left before its queue is
 * looked at again. Connections that can (`onDrain`) are looked at when they drain, not polled.
 */
const FULL_RETRY_MS = 50;

/** A connection that carries a session's deliveries between connect replies. */
export interface DeliverySink {
  /** False once the connection is gone: nothing is taken for it, deliveries stay queued (WS-3, STREAM-7). */
  readonly writable: boolean;
  /**
   * True while its unsent bytes are past its high-water mark: deliveries wait in the session's
   * bounded queue (LIMIT-6, STREAM-13) instead of piling up in the socket.
   */
  readonly full: boolean;
  /**
   * Whether it goes on carrying the session's deliveries after the hold ends (a WebSocket: the
   * connect's final reply comes alone) or ends with it (a stream response: what is still queued
   * goes before the final reply, STREAM-5).
   */
  readonly lasting: boolean;
  /** Frames and sends messages: a batch of deliveries, or a connect's answer. */
  write(messages: Message[]): void;
  /**
   * [DELIV-2] Calls `listener` once, when the connection is no longer `full` (its unsent bytes went
   * out); returns a function that cancels it. Optional: a sink without it is looked at again after
   * a short timer instead.
   */
  onDrain?(listener: () => void): () => void;
}

/** [ACK-1] The batch a connect says its client received (`ext.ack`), if it names one. */
export function ackNamed(request: Message): number | undefined {
  const acked = request.ext?.['ack'];
  return typeof acked === 'number' ? acked : undefined;
}

/** [ACK-4] A connect acknowledging less than the batch in flight lost that batch. */
export function lostBatch(mode: DeliveryMode, request: Message): boolean {
  const acked = ackNamed(request);
  return mode.ack && mode.unacked !== undefined && acked !== undefined && acked < mode.unacked;
}

/**
 * What a connect reply carries. [ACK-1][ACK-2] In ack mode: every unacknowledged delivery as one
 * numbered batch (the connect carries the last batch the client received; the reply names this one).
 */
export async function takeForAnswer(engine: Engine, clientId: string, mode: DeliveryMode, request: Message): Promise<Taken> {
  if (!mode.ack) return { messages: await engine.take(clientId) };
  const { batch, messages } = await engine.takeBatch(clientId, ackNamed(request));
  return { messages, ext: { ack: batch } };
}

/**
 * [DELIV-1] The one flush loop: a session's queue streamed to one sink. Watch → one flush per
 * turn (however many publishes woke it, WS-2/STREAM-4) → take → write. Flushes are not chained:
 * takes of one session resolve in the order issued (ENG-3) and each is written when it resolves,
 * so deliveries keep queue order without a promise per flush.
 */
export class Flow implements TurnTask {
  stopped = false;
  /** The watch's cancel, kept only for an engine that cannot unwatch by the watcher (`Engine.unwatch`). */
  private unwatch: (() => void) | undefined;
  /** Set while the flow waits for a full sink to drain: cancels that wait. */
  private resume: (() => void) | undefined;
  /**
   * The latest flush while takes are in flight: once it has settled, every take issued before it has
   * been written. Dropped when the last one settles, so an idle flow keeps no settled promise.
   */
  private flushing: Promise<void> | undefined;
  /** Flushes issued and not yet settled. */
  private inFlight = 0;

  constructor(
    private readonly engine: Engine,
    readonly clientId: string,
    readonly sink: DeliverySink,
    /** Told when a wake-up found the session gone (its held connect then answers 402). */
    private readonly onGone: (flow: Flow) => void,
  ) {}

  /**
   * Watches the queue, again on every connect: with a shared engine another node may have become
   * the session's watcher meanwhile (REDIS-2), and the connection in use now must be the one delivering.
   */
  watch(): void {
    const engine = this.engine;
    if (engine.unwatch) {
      // The returned cancel is not kept: `stop` unwatches by the watcher (ENG-5); a watch replaces
      // the session's watcher, so watching again needs no unwatch first.
      engine.watch(this.clientId, this.wake);
      return;
    }
    this.unwatch?.();
    this.unwatch = engine.watch(this.clientId, this.wake);
  }

  /**
   * The watcher: the flow queues itself for the next turn (`runTurn`), so the wake-ups of a turn
   * collapse into one flush (one frame). The one closure an idle session's flow keeps, as the
   * engine's watcher is a function.
   */
  private readonly wake = (): void => {
    if (!this.stopped) onNextTurn(this);
  };

  /** TurnTask: the flush of this turn's wake-ups. */
  runTurn(): void {
    this.flushNow();
  }

  /**
   * Runs for every woken session each turn, so it spends as little as it can: a flow that takes
   * nothing (stopped, closed, full) makes no promise, and a flush catches its own failures (a
   * `.catch` was one more promise per session per turn). `flushing` still covers every take issued.
   */
  private flushNow(): void {
    const sink = this.sink;
    if (this.stopped || !sink.writable) return;
    if (sink.full) return this.awaitDrain(sink);
    // [ENG-7] An engine that answers at once, and no earlier take still to be written (ENG-3's
    // order): taken and written now. Nothing taken goes the asynchronous way, which asks whether the
    // session is still there.
    if (this.inFlight === 0 && this.engine.takeNow) {
      try {
        const messages = this.engine.takeNow(this.clientId);
        if (messages.length > 0) return sink.write(messages);
      } catch (err) {
        return log.error('flush failed', err);
      }
    }
    this.inFlight++;
    this.flushing = this.flush(sink);
  }

  private async flush(sink: DeliverySink): Promise<void> {
    try {
      const messages = await this.engine.take(this.clientId);
      // Taken is taken: written even if the flow stopped meanwhile (a stream writes it before its end).
      if (messages.length > 0) sink.write(messages);
      // Woken with nothing queued: the session was removed.
      else if (!this.stopped && !(await this.engine.hasSession(this.clientId))) this.onGone(this);
    } catch (err) {
      log.error('flush failed', err);
    }
    // Takes settle in the order issued (ENG-3): the last one to settle is the latest flush.
    if (--this.inFlight === 0) this.flushing = undefined;
  }

  /**
   * [DELIV-2] A full sink is looked at again once it drains, through the same per-turn wake-up as a
   * publish (so the sessions of a socket that drains share one turn); a sink that cannot signal
   * is looked at again after FULL_RETRY_MS.
   */
  private awaitDrain(sink: DeliverySink): void {
    if (this.resume) return;
    const drained = (): void => {
      this.resume = undefined;
      this.wake();
    };
    if (sink.onDrain) {
      this.resume = sink.onDrain(drained);
      return;
    }
    const timer = setTimeout(drained, FULL_RETRY_MS).unref();
    this.resume = () => clearTimeout(timer);
  }

  /** Resolves once what this flow took has been written. */
  idle(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  stop(): void {
    this.stopped = true;
    this.engine.unwatch?.(this.clientId, this.wake);
    this.unwatch?.();
    this.unwatch = undefined;
    this.resume?.();
    this.resume = undefined;
  }
}
