/**
 * The HTTP connection budget of a Bayeux client: one request slot held by /meta/connect and one
 * for everything else (browsers allow about six connections per host, shared by every tab).
 * Batches sent while the second slot is busy wait and leave together in the next request, as long
 * as they stay under MAX_MERGED_BYTES together (CLI-40).
 */
import type { Message } from '@kuiper/protocol';
import { MAX_SEND_BYTES, splitBySize } from '../outbox.js';
import type { SendOptions } from '../transport.js';

export type Exchange = (messages: Message[], timeoutMs: number, signal: AbortSignal) => Promise<void>;

/** [CLI-40] Separate sends waiting for the slot merge into one request only up to this much JSON. */
export const MAX_MERGED_BYTES = MAX_SEND_BYTES;

interface Waiting {
  messages: Message[];
  /** Its JSON length, measured when it first competes for room in a merged request. */
  size?: number;
  timeoutMs: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class HttpSlots {
  private readonly inFlight = new Set<AbortController>();
  private otherBusy = false;
  private waiting: Waiting[] = [];
  private closedWith: Error | undefined;

  constructor(private readonly exchange: Exchange) {}

  send(messages: Message[], options: SendOptions): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (options.held) return this.run(messages, options.timeoutMs);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, timeoutMs: options.timeoutMs, resolve, reject });
      this.pump();
    });
  }

  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const w of this.waiting.splice(0)) w.reject(error);
    for (const controller of this.inFlight) controller.abort(error);
    this.inFlight.clear();
  }

  private pump(): void {
    if (this.otherBusy || this.waiting.length === 0 || this.closedWith) return;
    const batch = this.waiting.splice(0, this.fitting());
    this.otherBusy = true;
    const messages = batch.flatMap((w) => w.messages);
    const timeoutMs = Math.max(...batch.map((w) => w.timeoutMs));
    this.run(messages, timeoutMs).then(
      () => batch.forEach((w) => w.resolve()),
      (error: Error) => batch.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.otherBusy = false;
      this.pump();
    });
  }

  /** How many of the waiting sends the next request takes: at least one, and no more than fit together. */
  private fitting(): number {
    if (this.waiting.length === 1) return 1;
    const size = (w: Waiting): number => (w.size ??= JSON.stringify(w.messages).length);
    return splitBySize(this.waiting, size, MAX_MERGED_BYTES)[0]!.length;
  }

  private async run(messages: Message[], timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no HTTP response within ${timeoutMs} ms`)), timeoutMs);
    try {
      await this.exchange(messages, timeoutMs, controller.signal);
    } catch (error) {
      // An abort surfaces as a DOMException; report why we aborted instead.
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
      throw reason instanceof Error ? reason : new Error(String(reason));
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}
