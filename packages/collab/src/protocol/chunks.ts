/**
 * Chunking (COLLAB-7): a message whose JSON is over the per-message limit (Kuiper's default is
 * 256 KiB) travels as numbered `chunk` messages sharing a transfer id, in index order. Two kinds:
 *
 * - binary — a message whose bulk is one binary field (a Yjs update: every large sync step 2 and
 *   edit). The field's base64 is cut into pieces of whole 4-character groups; the first chunk also
 *   carries the rest of the message (`head`), the field's name and its length in bytes. A receiver
 *   decodes each piece into one array as it arrives, so the update's text is parsed as JSON once,
 *   inside its own chunk, instead of being joined and parsed a second time (for a late joiner of a
 *   300 KiB document that second parse, the join and a copy of the bytes were a tenth of the join).
 *   The sender slices the base64 it already has (cached per update), never re-encoding it.
 * - text — any other message (a large presence snapshot): the parts, concatenated, are its JSON,
 *   cut by what each part costs once re-serialised inside its chunk (escapes and UTF-8 included).
 *
 * Either way no chunk exceeds the limit whatever the payload.
 */
import { decodeBase64Into, decodedLength } from './base64.js';
import { collabError, type CollabError } from './errors.js';
import { jsonStringBytes, splitJsonText } from './json-text.js';
import { BINARY_FIELDS, COLLAB_PROTOCOL_VERSION, type BinaryField, type Json, type WireMessage } from './messages.js';

export { jsonStringBytes } from './json-text.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
/** Left free in every message for the Bayeux envelope around it (channel, clientId, id, ext). */
export const ENVELOPE_ALLOWANCE = 2048;
/** The largest reassembled message a receiver accepts by default: past a 20 MB document in base64. */
export const DEFAULT_MAX_TRANSFER_BYTES = 64 * 1024 * 1024;
/** A chunk's own fields: type, transfer id, index, count, credit; and the first one's field and size. */
const CHUNK_HEADER_ALLOWANCE = 256;
const MAX_CHUNKS = 1 << 16;

export interface SplitOptions {
  /** The per-message limit of the transport, bytes of serialised JSON. */
  maxMessageBytes?: number;
  newTransferId: () => string;
}

/** The message's longest binary field, when it is canonical base64 (it has a decoded length). */
function largestBinary(message: WireMessage): { field: BinaryField; text: string; size: number } | undefined {
  let found: { field: BinaryField; text: string; size: number } | undefined;
  for (const field of BINARY_FIELDS) {
    const text = message[field];
    if (typeof text !== 'string' || text.length <= (found?.text.length ?? 0)) continue;
    const size = decodedLength(text);
    if (size !== undefined) found = { field, text, size };
  }
  return found;
}

const chunk = (transfer: string, index: number, count: number, part: string): WireMessage => ({ v: COLLAB_PROTOCOL_VERSION, type: 'chunk', transfer, index, count, part });

/**
 * A message whose bulk is one binary field: itself when it fits (measured without serialising the
 * field), else its binary chunks; undefined when the rest of it is too large to lead a transfer.
 */
function splitBinary(message: WireMessage, field: BinaryField, text: string, size: number, limit: number, options: SplitOptions, key?: Uint8Array): WireMessage[] | undefined {
  const head: { [key: string]: Json } = { ...message };
  delete head[field];
  // Bytes of `head` once serialised inside a chunk: jsonStringBytes over-estimates (it counts escapes).
  const headBytes = jsonStringBytes(JSON.stringify(head));
  // The message as it is: its head plus `,"<field>":"<base64>"`.
  if (headBytes + field.length + text.length + 6 <= limit) return [message];
  const budget = limit - CHUNK_HEADER_ALLOWANCE;
  const piece = budget - (budget % 4);
  // The first chunk also carries `"head":…,"field":"…","size":…`: the head's bytes and 64 for the rest.
  const room = budget - headBytes - 64;
  const first = room - (room % 4);
  if (first < piece / 2) return undefined;
  if (key) {
    const pieces = sharedPieces(key, text, piece, options);
    return [{ ...chunk(pieces.transfer, 0, pieces.count, ''), head, field, size }, ...pieces.chunks];
  }
  const count = 1 + Math.ceil((text.length - first) / piece);
  if (count > MAX_CHUNKS) throw new RangeError(`a message of ${text.length} characters needs over ${MAX_CHUNKS} chunks`);
  const transfer = options.newTransferId();
  const chunks: WireMessage[] = [{ ...chunk(transfer, 0, count, text.slice(0, first)), head, field, size }];
  for (let start = first, index = 1; start < text.length; start += piece, index++) chunks.push(chunk(transfer, index, count, text.slice(start, start + piece)));
  return chunks;
}

/**
 * [COLLAB-7] The pieces of a field's bytes, made once per array and limit and shared, frozen, by
 * every message that carries those bytes: a late joiner's sync step 2 is the document's one cached
 * encoding (COLLAB-12), so every joiner of a document state is sent the same piece objects, which
 * the server then serialises and encodes once (its shared data, CODEC-6), not once per joiner. The
 * first chunk, which carries the rest of each message (a joiner's connection), then holds no piece.
 * The pieces' transfer id is the same each time: a member reads one transfer after another (its
 * replies leave in order, COLLAB-27) and a completed transfer's id may begin again.
 */
interface SharedPieces {
  readonly piece: number;
  readonly transfer: string;
  readonly count: number;
  readonly chunks: readonly WireMessage[];
}

const piecesOf = new WeakMap<Uint8Array, SharedPieces>();

function sharedPieces(key: Uint8Array, text: string, piece: number, options: SplitOptions): SharedPieces {
  const kept = piecesOf.get(key);
  if (kept?.piece === piece) return kept;
  const count = 1 + Math.ceil(text.length / piece);
  if (count > MAX_CHUNKS) throw new RangeError(`a message of ${text.length} characters needs over ${MAX_CHUNKS} chunks`);
  const transfer = options.newTransferId();
  const chunks: WireMessage[] = [];
  for (let start = 0, index = 1; start < text.length; start += piece, index++) chunks.push(Object.freeze(chunk(transfer, index, count, text.slice(start, start + piece))));
  const pieces: SharedPieces = { piece, transfer, count, chunks };
  piecesOf.set(key, pieces);
  return pieces;
}

/** Most a JSON value's text can cost per UTF-16 unit, in UTF-8 bytes: a `\uXXXX` escape. */
const MAX_BYTES_PER_UNIT = 6;
/** Most a number, boolean or null costs serialised (`-1.2345678901234567e-300`). */
const MAX_SCALAR_BYTES = 24;

/** Bytes a string can cost at most once serialised, quotes included. */
const stringBound = (text: string): number => text.length * MAX_BYTES_PER_UNIT + 2;

/**
 * An upper bound of the message's serialised bytes, from the lengths of its fields, when every
 * field is a string, a scalar or a list of strings (every room-update, ack and error); else
 * undefined. Every edit sends two such messages (the relay, the ack): for them this replaces a
 * `JSON.stringify` and a scan of its result that only served to find they fit.
 */
function flatBound(message: WireMessage): number | undefined {
  let bytes = 2;
  for (const key in message) {
    const value = message[key];
    bytes += stringBound(key) + 2; // the colon and the comma
    if (typeof value === 'string') bytes += stringBound(value);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) bytes += MAX_SCALAR_BYTES;
    else if (!Array.isArray(value)) return undefined;
    else {
      bytes += 2;
      for (const item of value) {
        if (typeof item !== 'string') return undefined;
        bytes += stringBound(item) + 1;
      }
    }
  }
  return bytes;
}

/**
 * The message itself when it fits, else its chunks in order. `source`: the message before its
 * binary fields became base64 (`toWire`); when given, a binary field's pieces are shared by every
 * message carrying the same array (see `sharedPieces`).
 */
export function splitForWire(message: WireMessage, options: SplitOptions, source?: { readonly [field: string]: unknown }): WireMessage[] {
  const limit = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) - ENVELOPE_ALLOWANCE;
  const budget = limit - CHUNK_HEADER_ALLOWANCE;
  if (budget < 16) throw new RangeError(`maxMessageBytes ${options.maxMessageBytes} leaves no room for a chunk`);
  // Surely small (an edit's relay or ack): no serialising to measure it.
  const bound = flatBound(message);
  if (bound !== undefined && bound <= limit) return [message];
  const binary = largestBinary(message);
  // A field of at least half the limit is the bulk of the message: it goes as binary chunks.
  const key = binary && source?.[binary.field];
  const split = binary && binary.text.length >= limit / 2 ? splitBinary(message, binary.field, binary.text, binary.size, limit, options, key instanceof Uint8Array ? key : undefined) : undefined;
  if (split) return split;
  const text = JSON.stringify(message);
  // UTF-8 is at least one byte a character, so only a short text can fit; `jsonStringBytes`
  // over-estimates its UTF-8 length (it counts escapes), which errs on the safe side.
  if (text.length <= limit && jsonStringBytes(text) <= limit) return [message];
  const parts = splitJsonText(text, budget);
  if (parts.length > MAX_CHUNKS) throw new RangeError(`a message of ${text.length} characters needs over ${MAX_CHUNKS} chunks`);
  const transfer = options.newTransferId();
  return parts.map((part, index) => chunk(transfer, index, parts.length, part));
}

export type Assembled =
  | { readonly kind: 'message'; readonly data: unknown }
  | { readonly kind: 'pending' }
  | { readonly kind: 'error'; readonly error: CollabError };

interface TextTransfer {
  readonly kind: 'text';
  readonly count: number;
  next: number;
  readonly parts: string[];
  bytes: number;
}

interface BinaryTransfer {
  readonly kind: 'binary';
  readonly count: number;
  next: number;
  readonly head: Record<string, unknown>;
  readonly field: BinaryField;
  readonly size: number;
  /**
   * Grows as pieces arrive, up to `size`, to at most four times what has arrived: a first chunk's
   * claim alone never allocates much, and a document of up to four chunks (every one up to ~750 KiB
   * at the default limit) is decoded into one array with no copy.
   */
  bytes: Uint8Array;
  filled: number;
}

type Transfer = TextTransfer | BinaryTransfer;
type Failed = Extract<Assembled, { kind: 'error' }>;

export interface AssemblerOptions {
  /** Largest reassembled message, characters of JSON (of base64, for a binary field). */
  maxTransferBytes?: number;
  /** Transfers in progress at once; a sender sends one after another, so a few suffice. */
  maxTransfers?: number;
}

/** Whether `data` is one chunk of a transfer; anything else passes through the assembler unchanged. */
export const isChunk = (data: unknown): boolean => typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'chunk';

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 2 && (n as number) <= MAX_CHUNKS;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isBinaryField = (x: unknown): x is BinaryField => (BINARY_FIELDS as readonly unknown[]).includes(x);

/**
 * Reassembles one sender's chunks. Anything that is not a chunk passes through unchanged; a chunk
 * that contradicts its transfer fails the whole transfer, and a transfer never completes unless
 * every numbered part arrived exactly once, in order (COLLAB-7). A chunk of a transfer whose first
 * chunk never came (lost, or sent before a reset) is dropped: that transfer cannot complete.
 */
export class ChunkAssembler {
  // Allocated on the first chunk: the server keeps an assembler per member of every open room, and
  // most members never send a message over the limit (an idle room holds two empty tables per member).
  private transfersMap: Map<string, Transfer> | undefined;
  private failedSet: Set<string> | undefined;
  private readonly maxTransferBytes: number;
  private readonly maxTransfers: number;

  constructor(options: AssemblerOptions = {}) {
    this.maxTransferBytes = options.maxTransferBytes ?? DEFAULT_MAX_TRANSFER_BYTES;
    this.maxTransfers = options.maxTransfers ?? 4;
  }

  get pendingTransfers(): number {
    return this.transfersMap?.size ?? 0;
  }

  private get transfers(): Map<string, Transfer> {
    return (this.transfersMap ??= new Map());
  }

  private get failed(): Set<string> {
    return (this.failedSet ??= new Set());
  }

  /** Partial transfers can never complete once their sender's connection is gone. */
  reset(): void {
    this.transfersMap = undefined;
    this.failedSet = undefined;
  }

  accept(data: unknown): Assembled {
    if (!isChunk(data)) return { kind: 'message', data };
    const fields = data as Record<string, unknown>;
    const { transfer: id, index, count, part } = fields;
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) return this.error(undefined, 'a chunk has a transfer id');
    if (this.failedSet?.has(id)) return this.error(undefined, `transfer ${id} has already failed`);
    if (!isCount(count)) return this.error(id, `a chunk count is an integer from 2 to ${MAX_CHUNKS}`);
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) return this.error(id, 'a chunk index is within its count');
    if (typeof part !== 'string') return this.error(id, 'a chunk part is a string');
    let transfer = this.transfers.get(id);
    if (!transfer) {
      if (index !== 0) return { kind: 'pending' }; // its beginning is gone: it can never complete
      if (this.transfers.size >= this.maxTransfers) return this.error(id, 'too many transfers in progress');
      const begun = this.begin(id, fields, count);
      if (begun.kind === 'error') return begun;
      transfer = begun;
      this.transfers.set(id, transfer);
    }
    if (transfer.count !== count) return this.error(id, 'a chunk count differs from its transfer');
    if (index !== transfer.next) return this.error(id, `chunk ${index} arrived out of order (expected ${transfer.next})`);
    transfer.next++;
    const added = transfer.kind === 'text' ? this.addText(id, transfer, part) : this.addPiece(id, transfer, part);
    if (added) return added;
    if (transfer.next < count) return { kind: 'pending' };
    this.transfers.delete(id);
    return transfer.kind === 'text' ? this.finishText(id, transfer) : this.finishBinary(id, transfer);
  }

  /** A new transfer from its first chunk: binary when it names a field, else text. */
  private begin(id: string, fields: Record<string, unknown>, count: number): Transfer | Failed {
    const { field, head, size } = fields;
    if (field === undefined) return { kind: 'text', count, next: 0, parts: [], bytes: 0 };
    if (!isBinaryField(field)) return this.error(id, `a chunked field is one of ${BINARY_FIELDS.join(', ')}`);
    if (!isObject(head)) return this.error(id, 'a binary transfer has the rest of its message as "head"');
    if (head.type === 'chunk') return this.error(id, 'chunks do not nest');
    if (!Number.isInteger(size) || (size as number) < 0) return this.error(id, 'a binary transfer has a "size" in bytes');
    if (Math.ceil((size as number) / 3) * 4 > this.maxTransferBytes) return this.error(id, `a transfer is over ${this.maxTransferBytes} bytes`, 'too_large');
    return { kind: 'binary', count, next: 0, head, field, size: size as number, bytes: new Uint8Array(0), filled: 0 };
  }

  private addText(id: string, transfer: TextTransfer, part: string): Assembled | undefined {
    transfer.bytes += part.length;
    if (transfer.bytes > this.maxTransferBytes) return this.error(id, `a transfer is over ${this.maxTransferBytes} bytes`, 'too_large');
    transfer.parts.push(part);
    return undefined;
  }

  /** Decodes one piece of a binary field straight into the transfer's array. */
  private addPiece(id: string, transfer: BinaryTransfer, part: string): Assembled | undefined {
    const last = transfer.next === transfer.count;
    // Padding ends the bytes: only the last piece may have it, or later pieces would not line up.
    if (!last && part.endsWith('=')) return this.error(id, `a piece of "${transfer.field}" before the last is padded`);
    const length = decodedLength(part);
    if (length === undefined) return this.error(id, `"${transfer.field}" is not base64`, 'update_invalid');
    const need = transfer.filled + length;
    if (need > transfer.size) return this.error(id, `the pieces of "${transfer.field}" exceed its size`);
    if (need > transfer.bytes.length) {
      const grown = new Uint8Array(Math.min(transfer.size, Math.max(need * 4, transfer.bytes.length * 2)));
      grown.set(transfer.bytes.subarray(0, transfer.filled));
      transfer.bytes = grown;
    }
    const written = decodeBase64Into(part, transfer.bytes, transfer.filled, length);
    if (written === undefined) return this.error(id, `"${transfer.field}" is not base64`, 'update_invalid');
    transfer.filled += written;
    return undefined;
  }

  private finishText(id: string, transfer: TextTransfer): Assembled {
    let inner: unknown;
    try {
      inner = JSON.parse(transfer.parts.join(''));
    } catch {
      return this.error(id, 'a reassembled transfer is not JSON');
    }
    if (typeof inner === 'object' && inner !== null && (inner as { type?: unknown }).type === 'chunk') return this.error(id, 'chunks do not nest');
    return { kind: 'message', data: inner };
  }

  private finishBinary(id: string, transfer: BinaryTransfer): Assembled {
    if (transfer.filled !== transfer.size) return this.error(id, `"${transfer.field}" has ${transfer.filled} bytes, not the ${transfer.size} announced`);
    return { kind: 'message', data: { ...transfer.head, [transfer.field]: transfer.bytes } };
  }

  private error(id: string | undefined, message: string, code: 'chunk_invalid' | 'too_large' | 'update_invalid' = 'chunk_invalid'): Failed {
    if (id !== undefined) {
      this.transfers.delete(id);
      this.failed.add(id);
      // Remember a bounded number of failures: enough to refuse a failed transfer's later chunks.
      if (this.failed.size > 64) this.failed.delete(this.failed.values().next().value as string);
    }
    return { kind: 'error', error: collabError(code, message) };
  }
}
