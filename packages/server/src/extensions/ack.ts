/**
 * Reliable, ordered server-to-client delivery, wire-compatible with the cometd client's
 * AckExtension (SPEC: ACK-*). A client that handshakes with `ext:{ack:true}` gets `ext:{ack:true}`
 * back; from then on its deliveries go only in connect replies, each reply numbered
 * (`ext.ack = batch`), and every batch the client has not acknowledged (by sending its number on
 * the next connect) is delivered again. This file is only the negotiation: it puts the session in
 * ack mode (one engine call); the engine keeps the batches, and the connector, which asks each
 * connect's delivery mode, sends them with connect replies instead of streaming (DELIV-1).
 */
import type { Extension } from '../core/extension.js';
import { UNAVAILABLE_ADVICE, engineUnavailable, errorReply } from '../core/replies.js';

export function ackExtension(): Extension {
  return {
    name: 'ack',
    async outgoing(reply, request, ctx) {
      if (request.channel !== '/meta/handshake' || !reply.successful || reply.clientId === undefined) return reply;
      if (request.ext?.['ack'] !== true) return reply;
      try {
        await ctx.engine.setAck(reply.clientId, true);
      } catch (err) {
        // [ENG-6] Not in ack mode as asked: the handshake fails, and the client tries again.
        return errorReply(request, engineUnavailable(err), UNAVAILABLE_ADVICE);
      }
      return { ...reply, ext: { ...reply.ext, ack: true } };
    },
  };
}
