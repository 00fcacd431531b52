/**
 * The codec (SPEC: CODEC-*): request bodies → checked messages, messages → JSON frames.
 * Accepts a JSON array of message objects or a single object, raw or in a `message=` form field.
 * Anything else is rejected with a protocol error; nothing here throws.
 */
import { BayeuxError, bayeuxError, META, type Message, type RawMessage } from '@kuiper/protocol';

export type Decoded = { ok: true; messages: RawMessage[] } | { ok: false; error: BayeuxError };

/** The most messages one request may carry by default (LIMIT-11); a larger batch is a flood, not a client. */
export const MAX_BATCH = 1000;

/** The longest clientId accepted by default (LIMIT-9): ours are ~31 characters; a long one is forged. */
export const MAX_CLIENT_ID_LENGTH = 128;

export function decodeJson(text: string, maxBatch: number = MAX_BATCH): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: bayeuxError('body_invalid') };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || list.length > maxBatch) return { ok: false, error: bayeuxError('body_invalid') };
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { ok: false, error: bayeuxError('message_invalid') };
    }
  }
  return { ok: true, messages: list as RawMessage[] };
}

/** A form-encoded body (`message=[...]`), as some clients post and callback-polling sends in the query. */
export function decodeForm(text: string, maxBatch: number = MAX_BATCH): Decoded {
  const field = new URLSearchParams(text).get('message');
  if (field === null) return { ok: false, error: bayeuxError('body_invalid') };
  return decodeJson(field, maxBatch);
}

export function decodeBody(text: string, contentType: string | undefined, maxBatch: number = MAX_BATCH): Decoded {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/x-www-form-urlencoded')) return decodeForm(text, maxBatch);
  const trimmed = text.trimStart();
  // Some clients post `message=` without the form content type; JSON never starts with `m`.
  if (trimmed.startsWith('message=')) return decodeForm(trimmed, maxBatch);
  return decodeJson(text, maxBatch);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks the fields the protocol gives meaning to. Returns a typed message or the error to reply
 * with. Unknown fields are dropped, so nothing client-controlled leaks into replies by accident.
 */
export function checkMessage(raw: RawMessage, maxClientIdLength: number = MAX_CLIENT_ID_LENGTH): Message | BayeuxError {
  const { channel, id, clientId, subscription, connectionType, supportedConnectionTypes, ext, advice } = raw;
  if (channel === undefined || channel === null) return bayeuxError('channel_missing');
  if (!isString(channel)) return bayeuxError('channel_invalid');
  if (id !== undefined && !(isString(id) && id.length <= 256) && !(typeof id === 'number' && Number.isFinite(id))) {
    return bayeuxError('message_id_invalid');
  }
  // A clientId longer than any the server hands out is forged and would only cost memory downstream.
  if (clientId !== undefined && !(isString(clientId) && clientId.length <= maxClientIdLength)) {
    return bayeuxError('message_invalid', 'clientId');
  }
  if (
    subscription !== undefined &&
    !isString(subscription) &&
    !(Array.isArray(subscription) && subscription.every(isString))
  ) {
    return bayeuxError('subscription_invalid');
  }
  if (connectionType !== undefined && !isString(connectionType)) return bayeuxError('message_invalid', 'connectionType');
  if (
    supportedConnectionTypes !== undefined &&
    !(Array.isArray(supportedConnectionTypes) && supportedConnectionTypes.every(isString))
  ) {
    return bayeuxError('message_invalid', 'supportedConnectionTypes');
  }
  if (ext !== undefined && ext !== null && !isPlainObject(ext)) return bayeuxError('message_invalid', 'ext');
  if (advice !== undefined && advice !== null && !isPlainObject(advice)) return bayeuxError('message_invalid', 'advice');
  // Built from an empty literal, which has room for four fields in the object itself (a connect's
  // channel, id, clientId and connectionType); a one-field literal put the rest in a separate
  // property array, 16 bytes more for every held connect.
  const msg = {} as Message;
  // A held connect keeps its message for the whole hold: the one shared '/meta/connect' string
  // rather than the copy JSON.parse made (32 bytes per idle session).
  msg.channel = channel === META.connect ? META.connect : channel;
  if (id !== undefined) msg.id = id as string | number;
  if (clientId !== undefined) msg.clientId = clientId;
  if ('data' in raw) msg.data = raw['data'];
  if (isPlainObject(ext)) msg.ext = ext;
  if (isPlainObject(advice)) msg.advice = advice;
  if (subscription !== undefined) msg.subscription = subscription as string | string[];
  if (connectionType !== undefined) msg.connectionType = connectionType;
  if (supportedConnectionTypes !== undefined) msg.supportedConnectionTypes = supportedConnectionTypes as string[];
  if (isString(raw['version'])) msg.version = raw['version'];
  if (isString(raw['minimumVersion'])) msg.minimumVersion = raw['minimumVersion'];
  return msg;
}

/**
 * Serialises one message, caching the JSON on the (shared, frozen-by-convention) object so a
 * broadcast delivered to a thousand sessions is stringified once, not a thousand times.
 */
const jsonCache = new WeakMap<object, string>();

export function encodeMessage(msg: Message): string {
  let json = jsonCache.get(msg);
  if (json === undefined) {
    const spliced = splicedJson(msg);
    // A shared data's text is made again from its bytes only where the JSON itself is asked for
    // (the Redis engine, long-polling): frames copy the bytes.
    json = spliced ? `${spliced.head}${spliced.data.bytes.toString('utf8')}}` : JSON.stringify(msg);
    jsonCache.set(msg, json);
  }
  return json;
}

/**
 * [CODEC-6] Data shared by reference: a frozen `data` object whose JSON is at least this long is
 * serialised once, and its UTF-8 bytes kept, however many messages carry it (a late joiner's
 * document chunks, the same objects for every joiner of a document state). Each such message was
 * stringified (~0.4 ms for 250 KB), its cons-string result flattened to be measured (~1 ms, a
 * fresh large string) and encoded into its frame (~0.5 ms) once per joiner. Smaller frozen data
 * (a shared empty state) is serialised with its message as before.
 */
export const SHARED_DATA_MIN = 16 * 1024;

interface SharedData {
  /** Its JSON's UTF-8 bytes, the one copy kept: copied into each frame, never encoded again. */
  readonly bytes: Buffer;
}

/** A message whose data is shared: its JSON up to `"data":` (the data goes last), and the data. */
interface Spliced {
  readonly head: string;
  readonly data: SharedData;
  readonly size: number;
}

/** Per frozen data object: its JSON's bytes, or null when it is too small to be worth keeping. */
const dataCache = new WeakMap<object, SharedData | null>();
const splicedCache = new WeakMap<object, Spliced>();

function sharedData(data: unknown): SharedData | undefined {
  if (typeof data !== 'object' || data === null || !Object.isFrozen(data)) return undefined;
  let entry = dataCache.get(data);
  if (entry === undefined) {
    const json = JSON.stringify(data);
    entry = json.length >= SHARED_DATA_MIN ? { bytes: Buffer.from(json, 'utf8') } : null;
    dataCache.set(data, entry);
  }
  return entry ?? undefined;
}

/** Only a message carrying shared data has an entry (a WeakMap entry per message is GC work). */
function splicedJson(msg: Message): Spliced | undefined {
  const data = sharedData(msg.data);
  if (data === undefined) return undefined;
  let spliced = splicedCache.get(msg);
  if (spliced === undefined) {
    const { data: _data, ...rest } = msg;
    const restJson = JSON.stringify(rest);
    const head = `${restJson.slice(0, -1)}${restJson.length > 2 ? ',' : ''}"data":`;
    spliced = { head, data, size: Buffer.byteLength(head) + data.bytes.length + 1 };
    splicedCache.set(msg, spliced);
  }
  return spliced;
}

/**
 * Writes the message's JSON as UTF-8 into `frame` at `at`; returns the bytes written. Shared data
 * is copied from its kept bytes; other JSON that is pure ASCII (its UTF-8 size equals its length,
 * as every base64-carrying message is) is written as latin1, which V8 copies ten times faster than
 * it encodes UTF-8 (same bytes for ASCII).
 */
export function writeEncoded(msg: Message, frame: Buffer, at: number): number {
  const spliced = splicedJson(msg);
  if (spliced) {
    let n = frame.write(spliced.head, at, 'utf8');
    n += spliced.data.bytes.copy(frame, at + n);
    frame[at + n] = 0x7d; // }
    return n + 1;
  }
  return writeJson(encodeMessage(msg), encodedSize(msg), frame, at);
}

/**
 * A message read back from shared storage (the Redis engine's queues): parsed, with the stored
 * JSON remembered so it is never stringified again on the way out.
 */
export function decodeStored(json: string): Message {
  const msg = JSON.parse(json) as Message;
  jsonCache.set(msg, json);
  return msg;
}

/**
 * Whether the message was shared: encoded through `encodeMessage` (as every engine does with what
 * it queues) or carrying shared data (CODEC-6). A reply, which goes to one client once, is not, so
 * framing it keeps nothing (a WeakMap entry per reply is GC work for nothing).
 */
export function isShared(msg: Message): boolean {
  return jsonCache.has(msg) || splicedJson(msg) !== undefined;
}

/** Writes JSON text as UTF-8; `bytes`, its UTF-8 size: when it equals the length the text is ASCII. */
export function writeJson(json: string, bytes: number, frame: Buffer, at: number): number {
  return frame.write(json, at, bytes === json.length ? 'latin1' : 'utf8');
}

/**
 * The JSON of a message that goes to one client once (a reply): encoded and cached nowhere, where
 * `encodeMessage` caches. Every message's JSON is made in this module, by one of the two.
 */
export function encodeUnshared(msg: Message): string {
  return JSON.stringify(msg);
}

/** UTF-8 bytes of a message's JSON (what limits count), cached like the JSON itself. */
const sizeCache = new WeakMap<object, number>();

export function encodedSize(msg: Message): number {
  let size = sizeCache.get(msg);
  if (size === undefined) {
    // A message of shared data is measured from its parts: the joined text is never flattened.
    size = splicedJson(msg)?.size ?? Buffer.byteLength(encodeMessage(msg));
    sizeCache.set(msg, size);
  }
  return size;
}

export function encodeBatch(messages: readonly Message[]): string {
  if (messages.length === 1) return `[${encodeMessage(messages[0] as Message)}]`;
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    out += encodeMessage(messages[i] as Message);
  }
  return out + ']';
}

/**
 * [HTTP-8] The batch as pure-ASCII JSON (`\uXXXX` escapes are the same JSON), for long-polling:
 * the cometd Node client decodes each TCP chunk on its own, so a multi-byte character split
 * across two chunks would be corrupted. Per message and cached, like the JSON itself: a broadcast
 * is checked once, and an ASCII message (UTF-8 size equal to its length) is never scanned again.
 */
const asciiCache = new WeakMap<object, string>();
const NON_ASCII = /[\u0080-\uffff]/g;

export function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function asciiMessage(msg: Message): string {
  const json = encodeMessage(msg);
  if (encodedSize(msg) === json.length) return json;
  let ascii = asciiCache.get(msg);
  if (ascii === undefined) {
    ascii = escapeNonAscii(json);
    asciiCache.set(msg, ascii);
  }
  return ascii;
}

export function encodeAsciiBatch(messages: readonly Message[]): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    out += asciiMessage(messages[i] as Message);
  }
  return out + ']';
}
