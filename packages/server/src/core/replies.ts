/**
 * The reply shapes the core answers with (SUB-1, and the error table of @kuiper/protocol): the skeleton of a successful meta
 * or service reply, and failed replies from the one error table. Transports use `errorReply` for
 * what fails before the core (a frame that is not JSON, a handshake past a socket's bound).
 */
import type { Advice, BayeuxError, Message } from '@kuiper/protocol';

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
