/**
 * The typed wire (SPEC: PROTO-1..6). A Bayeux message is a JSON object; the fields below are the
 * ones the protocol gives meaning to. This is the one definition the server, the client, the
 * benchmark and the tests share: anything else a peer sends is carried along in `ext` or ignored.
 */

/** The protocol version both sides send in `/meta/handshake` (PROTO-1). */
export const BAYEUX_VERSION = '1.0';

/** The meta channels (PROTO-2); `/meta/**` is never delivered to subscribers. */
export const META = {
  handshake: '/meta/handshake',
  connect: '/meta/connect',
  subscribe: '/meta/subscribe',
  unsubscribe: '/meta/unsubscribe',
  disconnect: '/meta/disconnect',
} as const;

export type MetaChannel = (typeof META)[keyof typeof META];

/**
 * The connection types Kuiper speaks (PROTO-3), in its preference order: the three of Bayeux 1.0
 * (`long-polling` required, `callback-polling` recommended, `websocket`) and three streaming ones.
 */
export const CONNECTION_TYPES = [
  'websocket',
  'long-polling',
  'callback-polling',
  'eventsource',
  'forever-frame',
  'multipart-mime',
] as const;

export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** What `advice.reconnect` tells a client to do next (PROTO-4). */
export type Reconnect = 'retry' | 'handshake' | 'none';

export interface Advice {
  reconnect?: Reconnect;
  /** How long the server holds a `/meta/connect`, ms. */
  timeout?: number;
  /** How long to wait before the next `/meta/connect`, ms. */
  interval?: number;
  /** How long the server keeps a session with no `/meta/connect` (CometD), ms. */
  maxInterval?: number;
  /** Another tab of this browser holds the session's connect: poll instead of holding. */
  'multiple-clients'?: boolean;
  hosts?: string[];
}

/** Extension data: free-form on the wire; see AckExt and the timesync shapes for the known keys. */
export type Ext = Record<string, unknown>;

/** Clients match replies by id; servers echo it exactly as sent (cometd and faye send strings). */
export type MessageId = string | number;

/** The one definition of a Bayeux message on the wire. */
export interface Message {
  channel: string;
  id?: MessageId;
  clientId?: string;
  data?: unknown;
  ext?: Ext;
  advice?: Advice;
  successful?: boolean;
  /** `code:args:message`, e.g. `402::session_unknown` (see errors.ts). */
  error?: string;
  subscription?: string | string[];
  connectionType?: string;
  supportedConnectionTypes?: string[];
  version?: string;
  minimumVersion?: string;
  timestamp?: string;
}

/** A message as it arrived, before anything checked its fields. */
export type RawMessage = Record<string, unknown>;

/**
 * `ext.ack` of the ack extension (PROTO-5), wire-compatible with CometD's AckExtension: `true` on a
 * handshake (the client asks, the server agrees); on a `/meta/connect` the number of the last batch
 * the client received, and on its reply the number of the batch that reply carries.
 */
export type AckExt = boolean | number;

/**
 * `ext.timesync` of the timesync extension (PROTO-6), wire-compatible with CometD's: a client sends
 * its clock `tc` (plus its estimates of lag `l` and offset `o`) on meta messages ...
 */
export interface TimesyncRequest {
  tc: number;
  l?: number;
  o?: number;
}

/** ... and the reply carries `tc` back with the server's receive time `ts` and hold time `p`, ms. */
export interface TimesyncReply {
  tc: number;
  ts: number;
  p: number;
}

/** Whether `value` (an incoming `ext.timesync`) has the request's shape: at least a numeric `tc`. */
export function isTimesyncRequest(value: unknown): value is TimesyncRequest {
  return typeof value === 'object' && value !== null && typeof (value as { tc?: unknown }).tc === 'number';
}
