/**
 * [ENG-3][REDIS-7] The stream engine's takes, in turns: the takes (and ack takes) issued in one
 * event-loop turn — or while the turn before waits for Redis — go together (one barrier, one
 * script), and turns run one after another, so the takes of a session resolve in the order they
 * were issued.
 */
import type { Message } from '@kuiper/protocol';
import type { AckBatch } from '../../core/engine.js';

export interface Taker {
  clientId: string;
  resolve(messages: Message[]): void;
  reject(err: unknown): void;
}

/** An ack session's take (ACK-2): the batch number its connect acknowledged, if any. */
export interface BatchTaker {
  clientId: string;
  acked: number | undefined;
  resolve(batch: AckBatch): void;
  reject(err: unknown): void;
}

export class Turns {
  private last: Promise<void> = Promise.resolve();
  private takers: Taker[] = [];
  private batchTakers: BatchTaker[] = [];
  /** Turns issued and not yet settled. */
  private running = 0;

  constructor(
    /** Serves one turn's takes and ack takes (a session may be asked for more than once). */
    private readonly serve: (takers: Taker[], batchTakers: BatchTaker[]) => Promise<void>,
  ) {}

  take(clientId: string): Promise<Message[]> {
    return new Promise<Message[]>((resolve, reject) => {
      this.wanted();
      this.takers.push({ clientId, resolve, reject });
    });
  }

  takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch> {
    return new Promise<AckBatch>((resolve, reject) => {
      this.wanted();
      this.batchTakers.push({ clientId, acked, resolve, reject });
    });
  }

  /** The first take of a turn schedules it, after the turn's other takes were issued. */
  private wanted(): void {
    if (this.takers.length === 0 && this.batchTakers.length === 0) queueMicrotask(() => this.schedule());
  }

  private schedule(): void {
    // Takes issued while a turn waits for Redis would wait for it anyway (turns run one after
    // another): they go together in the next turn, when that one settles, not one turn per
    // event-loop turn queued behind it. Fewer scripts and barrier tokens under load, no added wait.
    if (this.running > 0) return;
    const { takers, batchTakers } = this;
    this.takers = [];
    this.batchTakers = [];
    this.run(() => this.serve(takers, batchTakers)).catch((err: unknown) => {
      for (const t of takers) t.reject(err);
      for (const t of batchTakers) t.reject(err);
    });
  }

  /** Whether a take is waiting or a turn running: a take answered at once (ENG-7) would pass it. */
  get busy(): boolean {
    return this.running > 0 || this.takers.length > 0 || this.batchTakers.length > 0;
  }

  /** Runs `job` after every turn before it. */
  private run<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    const result = this.last.then(job);
    const settled = (): void => {
      this.running--;
      if (this.takers.length > 0 || this.batchTakers.length > 0) this.schedule();
    };
    this.last = result.then(settled, settled);
    return result;
  }
}
