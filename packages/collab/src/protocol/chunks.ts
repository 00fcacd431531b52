/**
 * Chunking (COLLAB-7): a message whose JSON is over the per-message limit (Kuiper's default is
 * 256 KiB) travels as numbered `chunk` messages sharing a transfer id, and is reassembled before it
 * is parsed. Splitting works on the serialised JSON text, so every message type can be chunked, and
 * measures what each part costs once re-serialised inside its chunk (escapes and UTF-8 included),
 * so no chunk ever exceeds the limit whatever the payload.
 */
import { collabError, type CollabError } from './errors.js';
import { COLLAB_PROTOCOL_VERSION, type WireMessage } from './messages.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
/** Left free in every message for the Bayeux envelope around it (channel, clientId, id, ext). */
export const ENVELOPE_ALLOWANCE = 2048;
/** The largest reassembled message a receiver accepts by default: past a 20 MB document in base64. */
export const DEFAULT_MAX_TRANSFER_BYTES = 64 * 1024 * 1024;
const CHUNK_HEADER_ALLOWANCE = 256;
const MAX_CHUNKS = 1 << 16;

export interface SplitOptions {
  /** The per-message limit of the transport, bytes of serialised JSON. */
  maxMessageBytes?: number;
  newTransferId: () => string;
}

/** What one UTF-16 unit at `i` costs inside a JSON string, in UTF-8 bytes, and how many units it spans. */
function unitCost(text: string, i: number): [bytes: number, units: number] {
  const c = text.charCodeAt(i);
  if (c === 0x22 || c === 0x5c) return [2, 1];
  if (c < 0x20) return [6, 1];
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    // A pair is four UTF-8 bytes and is never cut in two; a lone surrogate is escaped as \uXXXX.
    return next >= 0xdc00 && next <= 0xdfff ? [4, 2] : [6, 1];
  }
  if (c >= 0xdc00 && c <= 0xdfff) return [6, 1];
  return [3, 1];
}

// Characters whose cost inside a JSON string is not one byte; base64 payloads have none of them.
const COSTLY = /[\x00-\x1f"\\\u0080-\uffff]/;

/** Bytes of `text` once serialised as a JSON string body (without the quotes). */
export function jsonStringBytes(text: string): number {
  if (!COSTLY.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const [b, u] = unitCost(text, i);
    bytes += b;
    i += u;
  }
  return bytes;
}

/** Where the part starting at `start` ends: as far as `budget` bytes of serialised JSON reach. */
function partEnd(text: string, start: number, budget: number): number {
  const end = Math.min(text.length, start + budget);
  // The common case, a window of plain ASCII (base64), costs one byte a character: no scan needed.
  if (!COSTLY.test(text.slice(start, end))) return end;
  let bytes = 0;
  let i = start;
  while (i < text.length) {
    const [b, u] = unitCost(text, i);
    if (bytes + b > budget) break;
    bytes += b;
    i += u;
  }
  return i;
}

// Characters whose cost varies (multi-byte, or escaped as \uXXXX); a JSON text of base64 has none.
const WIDE = /[\x00-\x1f\u0080-\uffff]/;

/** How many `"` and `\` (two bytes each inside a JSON string) stand in text[from, to). */
function countEscaped(text: string, from: number, to: number): number {
  let n = 0;
  for (const c of ['"', '\\']) for (let i = text.indexOf(c, from); i !== -1 && i < to; i = text.indexOf(c, i + 1)) n++;
  return n;
}

/**
 * partEnd for a text without WIDE characters: one byte a character, two for `"` and `\`, counted
 * with indexOf instead of a loop over every character. Cutting `escaped` characters off the window
 * leaves at most as many escapes in it, so one step always fits the budget.
 */
function narrowEnd(text: string, start: number, budget: number): number {
  const end = Math.min(text.length, start + budget);
  const escaped = countEscaped(text, start, end);
  if (end - start + escaped <= budget) return end;
  const shorter = start + budget - escaped;
  return shorter > start ? shorter : partEnd(text, start, budget);
}

function splitText(text: string, budget: number): string[] {
  const parts: string[] = [];
  // A message of base64 (every Yjs update) is JSON with a few quotes: its parts are measured without
  // a loop over every character — sync step 2 of a large document is split anew for every late
  // joiner (it names the joiner's connection), and that loop cost ~15 ms a join.
  const narrow = !WIDE.test(text);
  for (let start = 0; start < text.length; ) {
    const end = narrow ? narrowEnd(text, start, budget) : partEnd(text, start, budget);
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/** The message itself when it fits, else its chunks in order. */
export function splitForWire(message: WireMessage, options: SplitOptions): WireMessage[] {
  const limit = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) - ENVELOPE_ALLOWANCE;
  const text = JSON.stringify(message);
  // UTF-8 is at least one byte a character, so only a short text can fit; `jsonStringBytes`
  // over-estimates its UTF-8 length (it counts escapes), which errs on the safe side.
  if (text.length <= limit && jsonStringBytes(text) <= limit) return [message];
  const budget = limit - CHUNK_HEADER_ALLOWANCE;
  if (budget < 16) throw new RangeError(`maxMessageBytes ${options.maxMessageBytes} leaves no room for a chunk`);
  const parts = splitText(text, budget);
  if (parts.length > MAX_CHUNKS) throw new RangeError(`a message of ${text.length} characters needs over ${MAX_CHUNKS} chunks`);
  const transfer = options.newTransferId();
  return parts.map((part, index) => ({ v: COLLAB_PROTOCOL_VERSION, type: 'chunk', transfer, index, count: parts.length, part }));
}

export type Assembled =
  | { readonly kind: 'message'; readonly data: unknown }
  | { readonly kind: 'pending' }
  | { readonly kind: 'error'; readonly error: CollabError };

interface Transfer {
  count: number;
  parts: (string | undefined)[];
  received: number;
  bytes: number;
}

export interface AssemblerOptions {
  /** Largest reassembled message, characters of JSON. */
  maxTransferBytes?: number;
  /** Transfers in progress at once; a sender sends one after another, so a few suffice. */
  maxTransfers?: number;
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 2 && (n as number) <= MAX_CHUNKS;

/**
 * Reassembles one sender's chunks. Anything that is not a chunk passes through unchanged; a chunk
 * that contradicts its transfer fails the whole transfer, and a transfer never completes unless
 * every numbered part arrived exactly once (COLLAB-7).
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
    if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== 'chunk') return { kind: 'message', data };
    const { transfer: id, index, count, part } = data as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) return this.error(undefined, 'a chunk has a transfer id');
    if (this.failedSet?.has(id)) return this.error(undefined, `transfer ${id} has already failed`);
    if (!isCount(count)) return this.error(id, `a chunk count is an integer from 2 to ${MAX_CHUNKS}`);
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) return this.error(id, 'a chunk index is within its count');
    if (typeof part !== 'string') return this.error(id, 'a chunk part is a string');
    let transfer = this.transfers.get(id);
    if (!transfer) {
      if (this.transfers.size >= this.maxTransfers) return this.error(id, 'too many transfers in progress');
      transfer = { count, parts: new Array<string | undefined>(count), received: 0, bytes: 0 };
      this.transfers.set(id, transfer);
    }
    if (transfer.count !== count) return this.error(id, 'a chunk count differs from its transfer');
    if (transfer.parts[index as number] !== undefined) return this.error(id, `chunk ${index} arrived twice`);
    transfer.bytes += part.length;
    if (transfer.bytes > this.maxTransferBytes) return this.error(id, `a transfer is over ${this.maxTransferBytes} bytes`, 'too_large');
    transfer.parts[index as number] = part;
    if (++transfer.received < count) return { kind: 'pending' };
    this.transfers.delete(id);
    let inner: unknown;
    try {
      inner = JSON.parse(transfer.parts.join(''));
    } catch {
      return this.error(id, 'a reassembled transfer is not JSON');
    }
    if (typeof inner === 'object' && inner !== null && (inner as { type?: unknown }).type === 'chunk') return this.error(id, 'chunks do not nest');
    return { kind: 'message', data: inner };
  }

  private error(id: string | undefined, message: string, code: 'chunk_invalid' | 'too_large' = 'chunk_invalid'): Assembled {
    if (id !== undefined) {
      this.transfers.delete(id);
      this.failed.add(id);
      // Remember a bounded number of failures: enough to refuse a failed transfer's later chunks.
      if (this.failed.size > 64) this.failed.delete(this.failed.values().next().value as string);
    }
    return { kind: 'error', error: collabError(code, message) };
  }
}
