/**
 * Requests waiting for their reply, matched by message id. Each wait has its own timer, so a lost
 * reply becomes a `timeout` error instead of a promise that never settles.
 */
import { KuiperClientError } from './errors.js';
import type { Message, MessageId } from '@kuiper/protocol';

interface Entry {
  resolve: (reply: Message) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingReplies {
  private readonly entries = new Map<string, Entry>();

  wait(id: string, channel: string, timeoutMs: number): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.entries.delete(id);
        reject(new KuiperClientError('timeout', `no reply to ${channel} (id ${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.entries.set(id, { resolve, reject, timer });
    });
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Settles the wait for `reply.id`; false when nobody waits for it. */
  settle(reply: Message): boolean {
    // decodeMessages turns every id into a string; String() only satisfies the wire type.
    const id = reply.id === undefined ? undefined : String(reply.id);
    const entry = id === undefined ? undefined : this.entries.get(id);
    if (!entry || id === undefined) return false;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(reply);
    return true;
  }

  fail(messageId: MessageId, error: Error): void {
    const id = String(messageId);
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    entry.reject(error);
  }

  failAll(error: Error): void {
    for (const id of [...this.entries.keys()]) this.fail(id, error);
  }
}
