/**
 * Errors are protocol values from one table (SPEC: PROTO-20..25). The wire form is Bayeux's
 * `code:args:message`; the codes are CometD's, because real clients and their users know them.
 * The server builds its replies from this table and the client recognises them through it.
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
  // [PROTO-26] Kuiper's own: the engine (Redis) failed; the request may be made again.
  engine_unavailable: 503,
  // [PROTO-27] Kuiper's own: the server an in-process session reaches has closed; it will not return.
  server_closed: 410,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;

// Codes that only one entry has (402, 404, 429, 503): the code alone names the entry (PROTO-22).
const SOLE_OWNER = new Map<number, ErrorName | null>();
for (const name of Object.keys(ERROR_CODES) as ErrorName[]) {
  const code = ERROR_CODES[name];
  SOLE_OWNER.set(code, SOLE_OWNER.has(code) ? null : name);
}

/** The error string for a table entry (PROTO-20): `formatBayeuxError('subscribe_denied', ['/a'])` → `403:/a:subscribe_denied`. */
export function formatBayeuxError(name: ErrorName, args: readonly string[] = []): string {
  return `${ERROR_CODES[name]}:${args.join(',')}:${name}`;
}

/** An error string taken apart; `name` is the table entry it is, if any (PROTO-22). */
export interface ParsedBayeuxError {
  code: number;
  args: string[];
  message: string;
  name: ErrorName | undefined;
}

const WIRE = /^(\d{3}):(.*):([^:]*)$/s;

/**
 * Takes a `code:args:message` string apart (PROTO-21), or returns undefined for anything else
 * (not a string, no three-digit code, fewer than two colons). The message is what follows the
 * last colon and the args what lies between the first and the last, split at commas: an arg may
 * hold a colon (channel names may), a message may not. No args is `[]`, not `['']`.
 */
export function parseBayeuxError(text: unknown): ParsedBayeuxError | undefined {
  if (typeof text !== 'string') return undefined;
  const m = WIRE.exec(text);
  if (m === null) return undefined;
  const code = Number(m[1]);
  const args = m[2] === '' ? [] : (m[2] as string).split(',');
  const message = m[3] as string;
  return { code, args, message, name: nameOf(code, message) };
}

/**
 * Which table entry a code and message are (PROTO-22): the one both match; or, for a code only one
 * entry has (402, 404, 429, 503), that entry whatever the wording — so another server's
 * `402::Unknown client` is still recognised as session_unknown.
 */
function nameOf(code: number, message: string): ErrorName | undefined {
  if (Object.hasOwn(ERROR_CODES, message) && ERROR_CODES[message as ErrorName] === code) return message as ErrorName;
  return SOLE_OWNER.get(code) ?? undefined;
}

/** Whether an error string (a reply's `error`) is the table entry `name` (PROTO-22). */
export function isBayeuxError(text: unknown, name: ErrorName): boolean {
  return parseBayeuxError(text)?.name === name;
}

/** Whether an error string says the server no longer knows the session (PROTO-23). */
export function isSessionUnknown(text: unknown): boolean {
  return isBayeuxError(text, 'session_unknown');
}

/** The error every layer of the server throws (PROTO-24); `message` is the wire string. */
export class BayeuxError extends Error {
  readonly code: number;
  readonly args: readonly string[];

  constructor(
    readonly reason: ErrorName,
    args: readonly string[] = [],
  ) {
    super(formatBayeuxError(reason, args));
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

/** Turns anything thrown (by a handler, an extension, the engine) into a protocol error (PROTO-25). */
export function toBayeuxError(err: unknown): BayeuxError {
  if (err instanceof BayeuxError) return err;
  return new BayeuxError('server_error');
}
