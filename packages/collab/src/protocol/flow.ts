/**
 * Flow control for what the server sends one member (COLLAB-27). A Kuiper session's queue is bounded
 * (16 MiB by default, then the oldest messages are dropped), so a 20 MB document cannot be handed
 * to a late joiner at once: the server keeps at most `REPLY_WINDOW` chunks in flight to a member and
 * marks them `credit: true`; the member sends `pull` for every `PULL_EVERY` of them it has read.
 */
import { COLLAB_PROTOCOL_VERSION, type WireMessage } from './messages.js';

/** Chunks delivered to one member and not yet pulled: about 4 MiB at the default message limit. */
export const REPLY_WINDOW = 16;
/** A member pulls after reading this many credited chunks (half a window keeps the pipe full). */
export const PULL_EVERY = REPLY_WINDOW / 2;

export interface Pull { type: 'pull'; chunks: number }

export const pullMessage = (chunks: number): WireMessage => ({ v: COLLAB_PROTOCOL_VERSION, type: 'pull', chunks });

/** A well-formed `pull`, or undefined for anything else (which the room itself then judges). */
export function readPull(data: unknown): Pull | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { v, type, chunks } = data as Record<string, unknown>;
  if (v !== COLLAB_PROTOCOL_VERSION || type !== 'pull' || !Number.isInteger(chunks) || (chunks as number) < 1) return undefined;
  return { type: 'pull', chunks: chunks as number };
}

/** A chunk the server counts against the member's window. */
export const isCreditedChunk = (data: unknown): boolean =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'chunk' && (data as { credit?: unknown }).credit === true;

/**
 * A chunk marked as counted against the window. A shared (frozen) piece's marked copy is made once
 * and shared too, so every member is given the same object (COLLAB-7: serialised once by the server).
 */
const creditedCopies = new WeakMap<WireMessage, WireMessage>();

function credited(chunk: WireMessage): WireMessage {
  if (!Object.isFrozen(chunk)) return { ...chunk, credit: true };
  let copy = creditedCopies.get(chunk);
  if (copy === undefined) creditedCopies.set(chunk, (copy = Object.freeze({ ...chunk, credit: true })));
  return copy;
}

/**
 * The server's queue of replies to one member: messages leave in order, and a chunk leaves only while
 * fewer than `window` credited chunks are unpulled. A pull never raises the credit above the window.
 */
export class ReplyOutbox {
  private readonly queue: WireMessage[] = [];
  private credit: number;

  constructor(private readonly deliver: (message: WireMessage) => void, private readonly window = REPLY_WINDOW) {
    this.credit = window;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Nothing queued and nothing unpulled: a new outbox would behave the same (the owner may drop this one). */
  get idle(): boolean {
    return this.queue.length === 0 && this.credit === this.window;
  }

  send(message: WireMessage): void {
    this.queue.push(message);
    this.pump();
  }

  pulled(chunks: number): void {
    this.credit = Math.min(this.window, this.credit + chunks);
    this.pump();
  }

  private pump(): void {
    let sent = 0;
    for (; sent < this.queue.length; sent++) {
      const next = this.queue[sent]!;
      if (next.type !== 'chunk') {
        this.deliver(next);
        continue;
      }
      if (this.credit <= 0) break;
      this.credit--;
      this.deliver(credited(next));
    }
    this.queue.splice(0, sent);
  }
}
