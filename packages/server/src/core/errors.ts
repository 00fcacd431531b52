/**
 * Every error the server sends is a protocol value from this one table. The wire form is
 * Bayeux's `code:args:message`, using CometD's codes because real clients and their users know them.
 */
export const ERROR_CODES = {
  session_unknown: 402,
  handshake_denied: 403,
  subscribe_denied: 403,
  publish_denied: 403,
  create_denied: 403,
  channel_missing: 400,
  channel_invalid: 405,
  channel_forbidden: 403,
  subscription_missing: 400,
  subscription_invalid: 405,
  message_invalid: 400,
  message_id_invalid: 405,
  version_unsupported: 400,
  connection_type_unsupported: 400,
  connection_type_missing: 400,
  client_id_missing: 400,
  body_invalid: 400,
  body_too_large: 413,
  service_unknown: 404,
  service_failed: 500,
  jsonp_invalid: 400,
  session_expired: 403,
  subscriptions_exceeded: 403,
  message_too_large: 413,
  rate_limited: 429,
  sessions_exceeded: 403,
  origin_denied: 403,
  server_error: 500,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

/** The error every layer throws; `toString()` is the Bayeux error string. */
export class BayeuxError extends Error {
  readonly code: number;
  readonly args: readonly string[];

  constructor(
    readonly reason: ErrorName,
    args: readonly string[] = [],
  ) {
    super(`${ERROR_CODES[reason]}:${args.join(',')}:${reason}`);
    this.name = 'BayeuxError';
    this.code = ERROR_CODES[reason];
    this.args = args;
  }

  get wire(): string {
    return this.message;
  }
}

export function bayeuxError(reason: ErrorName, ...args: string[]): BayeuxError {
  return new BayeuxError(reason, args);
}

/** Turns anything thrown (by a handler, an extension, the engine) into a protocol error. */
export function toBayeuxError(err: unknown): BayeuxError {
  if (err instanceof BayeuxError) return err;
  return new BayeuxError('server_error');
}
