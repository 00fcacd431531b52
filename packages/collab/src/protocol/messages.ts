/**
 * The collab messages (COLLAB-2..6) as typed values, and their JSON wire form. Binary fields are
 * Uint8Array in memory and base64 on the wire. `parseClientMessage` / `parseServerMessage` accept any
 * JSON value and return a typed message or an error value; they never throw.
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { fail, ok, type CollabErrorCode, type Result } from './errors.js';

/** One version constant for the whole collab wire; a message of another version is refused. */
export const COLLAB_PROTOCOL_VERSION = 1;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type PresenceData = { [key: string]: Json };

// Member → server.
export interface SyncStep1 { type: 'sync-1'; stateVector: Uint8Array }
export interface ClientUpdate { type: 'update'; id: string; update: Uint8Array }
export interface PresenceSet { type: 'presence-set'; state: PresenceData }
export type ClientMessage = SyncStep1 | ClientUpdate | PresenceSet;

// Server → member.
export interface SyncStep2 { type: 'sync-2'; update: Uint8Array; stateVector: Uint8Array; connection: string }
export interface RoomUpdate { type: 'room-update'; update: Uint8Array; origin: string }
export interface Ack { type: 'ack'; ids: string[] }
export interface ErrorMessage { type: 'error'; code: CollabErrorCode; message: string; id?: string }
export type PresenceChange = { connection: string; state: PresenceData } | { connection: string; left: true };
/** `snapshot: true` replaces every entry the receiver holds (sent to a member when it joins). */
export interface PresenceMessage { type: 'presence'; snapshot: boolean; changes: PresenceChange[] }
/** The room has a new authority (its node died, COLLAB-30): handshake again, announce presence again. */
export interface Resync { type: 'resync' }
export type ServerMessage = SyncStep2 | RoomUpdate | Ack | ErrorMessage | PresenceMessage | Resync;

/** A JSON object as it crosses the wire: `v` is the protocol version. */
export type WireMessage = { v: number; type: string; [field: string]: Json };

/** The fields that carry bytes: base64 on the wire, Uint8Array in memory. */
export const BINARY_FIELDS = ['stateVector', 'update'] as const;
export type BinaryField = (typeof BINARY_FIELDS)[number];
const MAX_ID_LENGTH = 128;
const ERROR_CODES: ReadonlySet<string> = new Set<CollabErrorCode>([
  'message_invalid', 'update_invalid', 'chunk_invalid', 'too_large', 'read_only', 'not_a_member', 'load_failed', 'store_failed',
]);

/**
 * Base64 of the large binaries messages carry, by array: the authority sends one whole-document
 * update to every late joiner (RoomAuthority), and a 500 KiB one takes a millisecond or more to
 * encode. Messages' binaries are never changed once built; small ones are not worth the lookup.
 */
const CACHED_FROM_BYTES = 16 * 1024;
const wireText = new WeakMap<Uint8Array, string>();

function toBase64Field(bytes: Uint8Array): string {
  if (bytes.byteLength < CACHED_FROM_BYTES) return encodeBase64(bytes);
  let text = wireText.get(bytes);
  if (text === undefined) wireText.set(bytes, (text = encodeBase64(bytes)));
  return text;
}

/** The JSON form: binary fields become base64, everything else is already JSON. */
export function toWire(message: ClientMessage | ServerMessage): WireMessage {
  const out: WireMessage = { v: COLLAB_PROTOCOL_VERSION, type: message.type };
  // `for…in` over the message's own fields (plain objects): no entry pairs made per message.
  for (const key in message) {
    const value = (message as unknown as Record<string, unknown>)[key];
    if (key === 'type' || value === undefined) continue;
    out[key] = value instanceof Uint8Array ? toBase64Field(value) : (value as Json);
  }
  return out;
}

type Fields = Record<string, unknown>;

/** Why `data` is not a collab message of this version (an error value), or undefined when it is one. */
function envelopeError<T>(data: unknown): Result<T> | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('message_invalid', 'a collab message is a JSON object');
  if ((data as Fields).v !== COLLAB_PROTOCOL_VERSION) return fail('message_invalid', `collab protocol version ${COLLAB_PROTOCOL_VERSION} expected`);
  return undefined;
}

const isId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_ID_LENGTH;

/** A binary field's bytes; a chunked transfer's field arrives already decoded, piece by piece (COLLAB-7). */
const bytesOf = (value: unknown): Uint8Array | undefined => (value instanceof Uint8Array ? value : decodeBase64(value));

const notBase64 = <T>(name: BinaryField): Result<T> => fail('update_invalid', `"${name}" is not base64`);

/** Presence state: a JSON object of at most `maxBytes` serialised (a cursor, a name, a selection). */
export function presenceProblem(state: unknown, maxBytes: number): string | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return 'presence state is a JSON object';
  let text: string;
  try {
    text = JSON.stringify(state);
  } catch {
    return 'presence state is not JSON';
  }
  return text.length > maxBytes ? `presence state is over ${maxBytes} bytes` : undefined;
}

export const DEFAULT_MAX_PRESENCE_BYTES = 8 * 1024;

export function parseClientMessage(data: unknown, maxPresenceBytes = DEFAULT_MAX_PRESENCE_BYTES): Result<ClientMessage> {
  const invalid = envelopeError<ClientMessage>(data);
  if (invalid) return invalid;
  const f = data as Fields;
  switch (f.type) {
    case 'sync-1': {
      const stateVector = bytesOf(f.stateVector);
      return stateVector ? ok({ type: 'sync-1', stateVector }) : notBase64('stateVector');
    }
    case 'update': {
      if (!isId(f.id)) return fail('message_invalid', 'an update has an "id" string of 1-128 characters');
      const update = bytesOf(f.update);
      return update ? ok({ type: 'update', id: f.id, update }) : notBase64('update');
    }
    case 'presence-set': {
      const problem = presenceProblem(f.state, maxPresenceBytes);
      // Only the state is read: who it belongs to is the transport's word, never the message's (COLLAB-9).
      return problem ? fail('message_invalid', problem) : ok({ type: 'presence-set', state: f.state as PresenceData });
    }
    default:
      return fail('message_invalid', `unknown collab message type ${JSON.stringify(f.type)}`);
  }
}

function presenceChanges(changes: unknown): PresenceChange[] | undefined {
  if (!Array.isArray(changes)) return undefined;
  const out: PresenceChange[] = [];
  for (const c of changes as unknown[]) {
    if (typeof c !== 'object' || c === null) return undefined;
    const { connection, state, left } = c as Fields;
    if (!isId(connection)) return undefined;
    if (left === true) out.push({ connection, left: true });
    else if (typeof state === 'object' && state !== null && !Array.isArray(state)) out.push({ connection, state: state as PresenceData });
    else return undefined;
  }
  return out;
}

export function parseServerMessage(data: unknown): Result<ServerMessage> {
  const invalid = envelopeError<ServerMessage>(data);
  if (invalid) return invalid;
  const f = data as Fields;
  switch (f.type) {
    case 'sync-2': {
      if (!isId(f.connection)) return fail('message_invalid', 'sync step 2 names the receiving connection');
      const update = bytesOf(f.update);
      if (!update) return notBase64('update');
      const stateVector = bytesOf(f.stateVector);
      return stateVector ? ok({ type: 'sync-2', update, stateVector, connection: f.connection }) : notBase64('stateVector');
    }
    case 'room-update': {
      if (!isId(f.origin)) return fail('message_invalid', 'a room update names its origin connection');
      // The member's hottest path: one per delivered edit, so no intermediate objects.
      const update = bytesOf(f.update);
      return update ? ok({ type: 'room-update', update, origin: f.origin }) : notBase64('update');
    }
    case 'resync':
      return ok({ type: 'resync' });
    case 'ack':
      return Array.isArray(f.ids) && f.ids.every(isId) ? ok({ type: 'ack', ids: f.ids }) : fail('message_invalid', 'an ack lists update ids');
    case 'error': {
      if (typeof f.code !== 'string' || !ERROR_CODES.has(f.code) || typeof f.message !== 'string') return fail('message_invalid', 'an error has a known code and a message');
      const message: ErrorMessage = { type: 'error', code: f.code as CollabErrorCode, message: f.message };
      if (isId(f.id)) message.id = f.id;
      return ok(message);
    }
    case 'presence': {
      const changes = presenceChanges(f.changes);
      if (!changes || typeof f.snapshot !== 'boolean') return fail('message_invalid', 'a presence message has "snapshot" and a list of changes');
      return ok({ type: 'presence', snapshot: f.snapshot, changes });
    }
    default:
      return fail('message_invalid', `unknown collab message type ${JSON.stringify(f.type)}`);
  }
}
