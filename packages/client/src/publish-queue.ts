/**
 * Publishes (and calls) made while the client is not connected wait here, in order, and leave
 * once it is. The bound keeps a long outage from growing memory without limit: past it, new
 * publishes are refused at once so the caller knows.
 */
import { KuiperClientError } from './errors.js';

export interface QueuedSend {
  readonly channel: string;
  /** Sends for real; called once connected. */
  send(): void;
  reject(error: Error): void;
}

export class PublishQueue {
  private items: QueuedSend[] = [];

  constructor(readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: QueuedSend): void {
    if (this.items.length >= this.limit) {
      item.reject(
        new KuiperClientError(
          'queue_full',
          `publish to ${item.channel} refused: ${this.limit} publishes already wait for the connection (maxQueue ${this.limit})`,
        ),
      );
      return;
    }
    this.items.push(item);
  }

  drain(): QueuedSend[] {
    return this.items.splice(0);
  }

  rejectAll(error: Error): void {
    for (const item of this.drain()) item.reject(error);
  }
}
