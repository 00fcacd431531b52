/**
 * The typed wire. A Bayeux message is a JSON object; the fields below are the ones the protocol
 * gives meaning to. Anything else a client sends is carried along untouched in `ext` or ignored.
 */
export interface Advice {
  reconnect?: 'retry' | 'handshake' | 'none';
  timeout?: number;
  interval?: number;
  maxInterval?: number;
  'multiple-clients'?: boolean;
  hosts?: string[];
}

export type Ext = Record<string, unknown>;

export interface Message {
  channel: string;
  /** Clients match replies by id; echoed exactly as sent (cometd and faye send strings). */
  id?: string | number;
  clientId?: string;
  data?: unknown;
  ext?: Ext;
  advice?: Advice;
  successful?: boolean;
  error?: string;
  subscription?: string | string[];
  connectionType?: string;
  supportedConnectionTypes?: string[];
  version?: string;
  minimumVersion?: string;
  timestamp?: string;
}

/** A message as it arrived, before the codec checked its fields. */
export type RawMessage = Record<string, unknown>;

export const BAYEUX_VERSION = '1.0';

export const META = {
  handshake: '/meta/handshake',
  connect: '/meta/connect',
  subscribe: '/meta/subscribe',
  unsubscribe: '/meta/unsubscribe',
  disconnect: '/meta/disconnect',
} as const;
