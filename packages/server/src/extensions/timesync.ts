/**
 * Clock offset estimation, wire-compatible with the cometd client's TimeSyncExtension
 * (SPEC: TSYNC-*): a meta message carrying `ext.timesync.tc` (the client's send time) gets back
 * `ext.timesync = {tc, ts, p}` — the server's receive time and how long it held the message — from
 * which the client computes lag and offset.
 */
import { isTimesyncRequest, type TimesyncReply } from '@kuiper/protocol';
import type { Extension } from '../core/extension.js';

export function timesyncExtension(now: () => number = Date.now): Extension {
  // Keyed by the client's own `ext.timesync` object, not the message: a later extension that
  // copies the message ({...m}) keeps that object, so the receive time is still found.
  const received = new WeakMap<object, number>();
  return {
    name: 'timesync',
    incoming(message) {
      const sent = message.ext?.['timesync'];
      if (message.channel.startsWith('/meta/') && isTimesyncRequest(sent)) received.set(sent, now());
      return message;
    },
    outgoing(reply, request) {
      const sent = request.ext?.['timesync'];
      if (!isTimesyncRequest(sent)) return reply;
      const ts = received.get(sent);
      if (ts === undefined) return reply;
      const timesync: TimesyncReply = { tc: sent.tc, ts, p: now() - ts };
      return { ...reply, ext: { ...reply.ext, timesync } };
    },
  };
}

