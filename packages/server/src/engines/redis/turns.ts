/**
 * [ENG-3][REDIS-7] The stream engine's takes, in turns: the takes issued in one event-loop turn go
 * together (one barrier, one script), and turns (and ack takes) run one after another, so the takes
 * of a session resolve in the order they were issued.
 */
import type { Message } from '@kuiper/protocol';

export interface Taker {
  clientId: string;
  resolve(messages: Message[]): void;
  reject(err: unknown): void;
}

export class Turns {
  private last: Promise<void> = Promise.resolve();
  private takers: Taker[] = [];
  /** Turns and jobs issued and not yet settled. */
  private running = 0;

  constructor(
    /** Serves one turn's takes (a session may be asked for more than once). */
    private readonly serve: (takers: Taker[]) => Promise<void>,
  ) {}

  take(clientId: string): Promise<Message[]> {
    return new Promise<Message[]>((resolve, reject) => {
      if (this.takers.length === 0) queueMicrotask(() => this.schedule());
      this.takers.push({ clientId, resolve, reject });
    });
  }

  private schedule(): void {
    const takers = this.takers;
    this.takers = [];
    this.run(() => this.serve(takers)).catch((err: unknown) => {
      for (const t of takers) t.reject(err);
    });
  }

  /** Whether a take or job is waiting or running: a take answered at once (ENG-7) would pass it. */
  get busy(): boolean {
    return this.running > 0 || this.takers.length > 0;
  }

  /** Runs `job` after every turn and job before it. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    const result = this.last.then(job);
    const settled = (): void => {
      this.running--;
    };
    this.last = result.then(settled, settled);
    return result;
  }
}
