/**
 * The one typed extension pipeline (SPEC: EXT-*). Extensions see every incoming message in
 * registration order (by `priority`, lower first) after the codec checked it and before the core
 * acts on it, and every reply on the way out in the reverse order. An incoming hook either returns
 * the message (changed or not) to go on, or `reject(...)`s it: the sender then gets an error reply,
 * never silence. Auth, rate limits and ack are written as extensions.
 */
import { type BayeuxError, type ErrorName, bayeuxError, type Advice, type Message } from '@kuiper/protocol';
import type { Engine } from './engine.js';
import type { SessionInfo } from './security.js';

export interface ExtensionContext {
  /** The transport the message came on (`websocket`, `long-polling`, ...). */
  readonly transport: string;
  readonly engine: Engine;
  /**
   * [LIFE-7] The session the message names: its clientId and what the security policy attached at
   * handshake, from the engine (never from the message, so a client cannot forge it). Undefined for a
   * handshake, a message naming no session or an unknown one.
   * Extensions run before the core's session check (SESS-1): on a shared engine it may name a session
   * removed a moment ago on another node, which the core then answers with 402.
   */
  readonly session?: SessionInfo | undefined;
}

/** Stops a message: the reply carries `error` (and `advice`, when given). */
export interface Rejection {
  readonly reject: BayeuxError;
  readonly advice?: Advice;
}

export type IncomingResult = Message | Rejection;

export interface Extension {
  readonly name: string;
  /** Lower runs earlier on incoming messages and later on replies. Default 0. */
  readonly priority?: number;
  incoming?(message: Message, ctx: ExtensionContext): IncomingResult | Promise<IncomingResult>;
  /** Sees each reply to `request` (meta replies, publish acks, service answers) before it is sent. */
  outgoing?(reply: Message, request: Message, ctx: ExtensionContext): Message | Promise<Message>;
}

export function reject(reason: ErrorName, args: string[] = [], advice?: Advice): Rejection {
  return advice ? { reject: bayeuxError(reason, ...args), advice } : { reject: bayeuxError(reason, ...args) };
}

export function isRejection(result: IncomingResult): result is Rejection {
  return 'reject' in result && !('channel' in result);
}

export class ExtensionPipeline {
  private list: Extension[] = [];

  add(extension: Extension): () => void {
    this.list = [...this.list, extension].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
    return () => {
      this.list = this.list.filter((e) => e !== extension);
    };
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * A hook that answers at once (timesync's) is not awaited: every message passes every hook, and
   * each `await` is a turn of the microtask queue.
   */
  async incoming(message: Message, ctx: ExtensionContext): Promise<IncomingResult> {
    let current: Message = message;
    for (const ext of this.list) {
      if (!ext.incoming) continue;
      const answer = ext.incoming(current, ctx);
      const result = isPending(answer) ? await answer : answer;
      if (isRejection(result)) return result;
      current = result;
    }
    return current;
  }

  async outgoing(reply: Message, request: Message, ctx: ExtensionContext): Promise<Message> {
    let current = reply;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const ext = this.list[i] as Extension;
      if (!ext.outgoing) continue;
      const answer = ext.outgoing(current, request, ctx);
      current = isPending(answer) ? await answer : answer;
    }
    return current;
  }
}

/** A hook's answer still to come: a promise, or any thenable (what `await` would wait for). */
function isPending<T extends object>(answer: T | PromiseLike<T>): answer is PromiseLike<T> {
  return typeof (answer as { then?: unknown }).then === 'function';
}
