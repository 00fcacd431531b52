/**
 * Clock offset estimation, wire-compatible with the cometd client's TimeSyncExtension
 * (SPEC: TSYNC-*): a meta message carrying `ext.timesync.tc` (the client's send time) gets back
 * `ext.timesync = {tc, ts, p}` — the server's receive time and how long it held the message — from
 * which the client computes lag and offset.
 */
import type { Extension } from './extension.js';
import type { Message } from './message.js';

export function timesyncExtension(now: () => number = Date.now): Extension {
  const received = new WeakMap<Message, number>();
  return {
    name: 'timesync',
    incoming(message) {
      if (message.channel.startsWith('/meta/') && isTimesync(message.ext?.['timesync'])) {
        received.set(message, now());
      }
      return message;
    },
    outgoing(reply, request) {
      const ts = received.get(request);
      const sent = request.ext?.['timesync'];
      if (ts === undefined || !isTimesync(sent)) return reply;
      return { ...reply, ext: { ...reply.ext, timesync: { tc: sent.tc, ts, p: now() - ts } } };
    },
  };
}

function isTimesync(value: unknown): value is { tc: number } {
  return typeof value === 'object' && value !== null && typeof (value as { tc?: unknown }).tc === 'number';
}
