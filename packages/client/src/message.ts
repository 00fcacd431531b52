/**
 * The client's codec between Bayeux wire messages and JSON. Framing is always a JSON array; a single
 * object is accepted on input too (the spec allows it).
 */
import type { Message } from '@kuiper/protocol';

export function encodeMessages(messages: readonly Message[]): string {
  return JSON.stringify(messages);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keeps the fields the client reads only when they have the right type, so later code can trust them.
 * `owned`: `raw` was parsed here from text, so it is normalised in place instead of copied (one
 * object fewer per delivered message); an object the caller handed in is never changed.
 */
function toMessage(raw: unknown, owned: boolean): Message | undefined {
  if (!isObject(raw) || typeof raw['channel'] !== 'string') return undefined;
  // Its channel is a string (checked above); the other fields are checked below.
  const message = (owned ? raw : { ...raw }) as unknown as Message;
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
  const owned = typeof body === 'string';
  if (owned) {
    const text = body.trim();
    if (text === '') return { messages: [], dropped: 0 };
    parsed = JSON.parse(text) as unknown;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const messages: Message[] = [];
  for (const raw of list) {
    const message = toMessage(raw, owned);
    if (message) messages.push(message);
  }
  return { messages, dropped: list.length - messages.length };
}
