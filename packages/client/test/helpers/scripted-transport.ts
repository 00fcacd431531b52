/**
 * An in-memory transport driven by a script: each sent message goes to `handle`, whose replies
 * (possibly later, possibly never) are handed back to the client. For deterministic tests of the
 * session's rules without sockets.
 */
import type { Message, TransportContext, TransportFactory } from '../../src/index.js';

export type Handle = (message: Message) => Message[] | undefined | Promise<Message[] | undefined>;

export interface Scripted {
  readonly factory: TransportFactory;
  /** Every batch sent, in order. */
  readonly batches: Message[][];
  readonly sent: () => Message[];
  /** Pushes messages to the client as if the server sent them. */
  push(messages: Message[]): void;
  /** Breaks the transport, as a closed socket would. */
  fail(error: Error): void;
}

export function scripted(name: string, handle: Handle, options: { failSend?: () => boolean } = {}): Scripted {
  const batches: Message[][] = [];
  let context: TransportContext | undefined;
  const factory: TransportFactory = {
    name,
    isUsable: () => true,
    create(ctx) {
      context = ctx;
      let closed = false;
      return {
        name,
        async send(messages) {
          if (closed) throw new Error('closed');
          batches.push(messages);
          if (options.failSend?.()) throw new Error('network down');
          for (const message of messages) {
            void Promise.resolve(handle(message)).then((replies) => {
              if (replies && !closed) ctx.receive(replies);
            });
          }
        },
        close() {
          closed = true;
        },
      };
    },
  };
  return {
    factory,
    batches,
    sent: () => batches.flat(),
    push: (messages) => context?.receive(messages),
    fail: (error) => context?.fail(error),
  };
}

/** Replies of a well-behaved server: handshake, connects answered at once, acks for the rest. */
export function okReply(message: Message, clientId = 'c1'): Message[] {
  const base = { id: message.id, channel: message.channel, successful: true };
  if (message.channel === '/meta/handshake') {
    return [{ ...base, clientId, version: '1.0', supportedConnectionTypes: message.supportedConnectionTypes ?? [], advice: { reconnect: 'retry', interval: 0, timeout: 1000 } }];
  }
  if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') return [{ ...base, subscription: message.subscription }];
  return [base];
}

/** A held connect that the test never answers (the client sits connected). */
export const never = <T>() => new Promise<T>(() => {});
