/**
 * Every failure the client reports is a KuiperClientError with a code from one union, so callers
 * can branch on `error.code` instead of parsing messages. Server refusals keep the Bayeux error
 * string (`code:args:message`) both as the message and in `bayeuxError`, and that string taken
 * apart through the protocol's error table in `bayeux` (`error.bayeux?.name === 'publish_denied'`).
 */
import { parseBayeuxError, type ParsedBayeuxError } from '@kuiper/protocol';

export type KuiperClientErrorCode =
  | 'bayeux' // the server answered successful:false; see bayeuxError
  | 'handshake_denied' // the server refused the handshake; the client stopped
  | 'stopped' // the server advised reconnect:"none"; the client stopped
  | 'queue_full' // the bounded publish queue was full while reconnecting
  | 'invalid_outgoing' // a typed channel's schema rejected a message before it was sent
  | 'invalid_incoming' // a typed channel's schema rejected a delivered message (reported, dropped)
  | 'invalid_channel' // a channel name or pattern that Bayeux does not allow
  | 'timeout' // no reply within the request timeout
  | 'connection_lost' // the transport failed while the request was in flight
  | 'no_transport' // no transport is usable here and also offered by the server
  | 'disconnected'; // the client was disconnected

export class KuiperClientError extends Error {
  override readonly name = 'KuiperClientError';
  readonly code: KuiperClientErrorCode;
  /** The server's error string (`403::publish_denied`) when the server refused. */
  readonly bayeuxError: string | undefined;
  /** `bayeuxError` parsed (PROTO-21, PROTO-22); undefined when there is none or it is not `code:args:message`. */
  readonly bayeux: ParsedBayeuxError | undefined;
  readonly details: unknown;

  constructor(code: KuiperClientErrorCode, message: string, options: { bayeuxError?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.bayeuxError = options.bayeuxError;
    this.bayeux = parseBayeuxError(options.bayeuxError);
    this.details = options.details;
  }
}

/** Builds the error for a `successful:false` reply; the message is the server's error string. */
export function bayeuxFailure(reply: { error?: string | undefined; channel: string }): KuiperClientError {
  const error = reply.error ?? `unsuccessful reply on ${reply.channel}`;
  return new KuiperClientError('bayeux', error, { bayeuxError: error });
}
