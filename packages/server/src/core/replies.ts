/**
 * The reply shapes the core answers with (SUB-1, and the error table of @kuiper/protocol): the skeleton of a successful meta
 * or service reply, and failed replies from the one error table. Transports use `errorReply` for
 * what fails before the core (a frame that is not JSON, a handshake past a socket's bound).
 */
import { type Advice, BayeuxError, bayeuxError, type Message } from '@kuiper/protocol';
import { createLogger } from './log.js';

const log = createLogger('engine');

/** The reply skeleton every meta and service reply carries: channel, echoed id, successful. */
export function replyTo(msg: { channel: string; id?: string | number | undefined }, successful: boolean): Message {
  const reply: Message = { channel: msg.channel, successful };
  if (msg.id !== undefined) reply.id = msg.id;
  return reply;
}

/** A failed reply: the error's wire form, the request's id and clientId, optional advice. */
export function errorReply(
  msg: { channel?: unknown; id?: unknown; clientId?: unknown },
  error: BayeuxError,
  advice?: Advice,
): Message {
  const reply: Message = {
    channel: typeof msg.channel === 'string' ? msg.channel : '',
    successful: false,
    error: error.wire,
  };
  if (typeof msg.id === 'string' || typeof msg.id === 'number') reply.id = msg.id;
  if (typeof msg.clientId === 'string') reply.clientId = msg.clientId;
  if (advice) reply.advice = advice;
  return reply;
}

/** Sent with 402 replies: the client must handshake again. */
export const HANDSHAKE_ADVICE: Advice = { reconnect: 'handshake', interval: 0 };

/** A subscribe or unsubscribe reply echoes what was asked for (SUB-1). */
export function withSubscription(reply: Message, subscription: string | string[]): Message {
  reply.subscription = subscription;
  return reply;
}

/**
 * [ENG-6] Sent with a handshake or connect refused because the engine failed: try again (after the
 * client's own backoff). Not a refusal, which stops a client (SEC-1).
 */
export const UNAVAILABLE_ADVICE: Advice = Object.freeze({ reconnect: 'retry' });

/**
 * [ENG-6] Where an engine's failure becomes a protocol value: an engine operation that rejected (its
 * store unreachable or restarting, a Redis Cluster slot in transit) is `503::engine_unavailable`,
 * the same whichever operation failed, never a generic 500 nor silence; a `BayeuxError` the engine
 * threw stays itself. The core calls it only around its engine calls: a
 * hook, extension or handler of the application that throws still gives `500::server_error`.
 */
export function engineUnavailable(err: unknown): BayeuxError {
  if (err instanceof BayeuxError) return err;
  log.warn(`engine failed: ${err instanceof Error ? err.message : String(err)}`);
  return bayeuxError('engine_unavailable');
}

/** `op`, whose failure becomes `engine_unavailable` (ENG-6). One promise more: kept off the per-publish path. */
export async function fromEngine<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (err) {
    throw engineUnavailable(err);
  }
}
