/**
 * [CLI-38] The server's word that some messages are gone for good: a session came back after its
 * messages left a channel's bounded history, or the engine lost them (a new epoch), or a full queue
 * dropped them. It arrives as one delivery on a service channel of its own, which the client turns
 * into an event: no application subscription ever sees it as a message.
 */
import { channelMatches } from './channel-name.js';

/** Where the server delivers the notice (the wire shape is `{ channels: string[], reason }`). */
export const UNRECOVERED_CHANNEL = '/service/kuiper/unrecovered';

/**
 * Why messages are gone: `trimmed` (they left a channel's bounded history while the session was
 * away), `epoch` (the engine lost its history), `overflow` (the session's queue was full and the
 * server dropped its oldest messages: a consumer slower than its channels, server LIMIT-12). A
 * newer server may send another reason, passed on as it is.
 */
export type UnrecoveredReason = 'trimmed' | 'epoch' | 'overflow' | (string & {});

export interface UnrecoveredEvent {
  /** The subscriptions (channel names or patterns, as subscribed) or the channels whose messages are lost. */
  readonly channels: readonly string[];
  readonly reason: UnrecoveredReason;
}

export type UnrecoveredListener = (event: UnrecoveredEvent) => void;

/** The notice's data, or undefined when it is not one (then it is dropped, never delivered). */
export function readUnrecovered(data: unknown): UnrecoveredEvent | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { channels, reason } = data as { channels?: unknown; reason?: unknown };
  if (!Array.isArray(channels) || typeof reason !== 'string') return undefined;
  const names = channels.filter((c): c is string => typeof c === 'string');
  return { channels: names, reason };
}

/**
 * The part of the notice about this client's own subscriptions: a shared connection's tabs all hear
 * the leader's deliveries, and each tells its application only of what it subscribed to. A listed
 * channel counts when it is one of the client's subscriptions or a channel one of them matches.
 */
export function affecting(event: UnrecoveredEvent, subscribed: readonly string[]): UnrecoveredEvent | undefined {
  const channels = event.channels.filter((c) => subscribed.some((s) => s === c || channelMatches(s, c)));
  return channels.length === 0 ? undefined : { channels, reason: event.reason };
}
