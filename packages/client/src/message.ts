/**
 * The Bayeux wire messages the client sends and receives, and the codec between them and JSON.
 * Framing is always a JSON array; a single object is accepted on input too (the spec allows it).
 */
export const BAYEUX_VERSION = '1.0';

export type Reconnect = 'retry' | 'handshake' | 'none';

export interface Advice {
  reconnect?: Reconnect;
  interval?: number;
  timeout?: number;
  maxInterval?: number;
  'multiple-clients'?: boolean;
}

export interface Message {
  channel: string;
  id?: string;
  clientId?: string;
  data?: unknown;
  successful?: boolean;
  error?: string;
  advice?: Advice;
  subscription?: string | string[];
  connectionType?: string;
  supportedConnectionTypes?: string[];
  version?: string;
  minimumVersion?: string;
  ext?: Record<string, unknown>;
}

export const META = {
  handshake: '/meta/handshake',
  connect: '/meta/connect',
  subscribe: '/meta/subscribe',
  unsubscribe: '/meta/unsubscribe',
  disconnect: '/meta/disconnect',
} as const;

export function isMetaChannel(channel: string): boolean {
  return channel.startsWith('/meta/');
}

export function isServiceChannel(channel: string): boolean {
  return channel === '/service' || channel.startsWith('/service/');
}

export function encodeMessages(messages: readonly Message[]): string {
  return JSON.stringify(messages);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps the fields the client reads only when they have the right type, so later code can trust them. */
function toMessage(raw: unknown): Message | undefined {
  if (!isObject(raw) || typeof raw['channel'] !== 'string') return undefined;
  const message: Message = { ...raw, channel: raw['channel'] };
  if (raw['id'] !== undefined) {
    // Some servers echo numeric ids; the client always matches on strings.
    if (typeof raw['id'] === 'string' || typeof raw['id'] === 'number') message.id = String(raw['id']);
    else delete message.id;
  }
  if (raw['successful'] !== undefined && typeof raw['successful'] !== 'boolean') delete message.successful;
  if (raw['error'] !== undefined && typeof raw['error'] !== 'string') delete message.error;
  if (raw['clientId'] !== undefined && typeof raw['clientId'] !== 'string') delete message.clientId;
  if (raw['advice'] !== undefined && !isObject(raw['advice'])) delete message.advice;
  if (raw['ext'] !== undefined && !isObject(raw['ext'])) delete message.ext;
  const types = raw['supportedConnectionTypes'];
  if (types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string'))) {
    delete message.supportedConnectionTypes;
  }
  return message;
}

/**
 * Decodes a response body (text or already-parsed JSON) into messages. Entries that are not
 * messages are dropped and counted rather than failing the whole batch: one bad entry from a
 * server should not cost the client the replies beside it.
 */
export function decodeMessages(body: unknown): { messages: Message[]; dropped: number } {
  let parsed = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '') return { messages: [], dropped: 0 };
    parsed = JSON.parse(text) as unknown;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const messages: Message[] = [];
  for (const raw of list) {
    const message = toMessage(raw);
    if (message) messages.push(message);
  }
  return { messages, dropped: list.length - messages.length };
}
