/**
 * Binary ⇄ base64 for the JSON wire (COLLAB-2): Bayeux carries JSON, so Yjs updates and state
 * vectors travel as standard base64. lib0 encodes (Buffer in Node, btoa in browsers); decoding is
 * ours, straight into the target array, and strict: Node's decoder silently skips characters it
 * does not know, so what it wrote is checked.
 */
import { toBase64 } from 'lib0/buffer';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeBase64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/** The bytes, or undefined when `text` is not canonical padded base64. */
export function decodeBase64(text: unknown): Uint8Array | undefined {
  const length = typeof text === 'string' ? decodedLength(text) : undefined;
  if (length === undefined) return undefined;
  // One array, decoded into (lib0's decoder made a Buffer and copied it into a second array).
  const bytes = new Uint8Array(length);
  return decodeBase64Into(text as string, bytes, 0, length) === length ? bytes : undefined;
}

/**
 * How many bytes `text` decodes to if it is canonical base64; undefined when its length is not a
 * multiple of 4, so it is not. The one place that length is checked: every decoding path asks here.
 */
export const decodedLength = (text: string): number | undefined =>
  text.length % 4 !== 0 ? undefined : (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

// Node's Buffer when there is one: it decodes straight into a given array (lib0's decoder returns a
// new array, which a chunked transfer would then copy into its own).
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * [COLLAB-7] Decodes canonical padded base64 `text` into `target` at `offset`, without an
 * intermediate array: how many bytes it wrote, or undefined when `text` is not canonical base64 or
 * does not fit. `length`: its `decodedLength`, when the caller has it already.
 */
export function decodeBase64Into(text: string, target: Uint8Array, offset: number, length = decodedLength(text)): number | undefined {
  if (length === undefined || offset < 0 || offset + length > target.length) return undefined;
  if (NodeBuffer) {
    // Node's decoder skips what is not base64 and stops at `=`, so any such character leaves it
    // short of `length` bytes; it also reads the URL-safe `-` and `_`, which canonical base64 has
    // not. That is the whole check, without a pattern run over every character (a late joiner's
    // 400 KB of base64 cost as much to match as to parse as JSON).
    if (text.includes('-') || text.includes('_')) return undefined;
    const view = NodeBuffer.from(target.buffer, target.byteOffset + offset, length);
    return view.write(text, 'base64') === length ? length : undefined;
  }
  if (!BASE64.test(text)) return undefined; // its length was checked above
  const binary = atob(text);
  for (let i = 0; i < length; i++) target[offset + i] = binary.charCodeAt(i);
  return length;
}
