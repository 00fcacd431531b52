/**
 * Binary ⇄ base64 for the JSON wire (COLLAB-2): Bayeux carries JSON, so Yjs updates and state
 * vectors travel as standard base64. lib0 picks Buffer in Node and atob/btoa in browsers; we add the
 * validation it leaves out, because Node's decoder silently skips characters it does not know.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeBase64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/** The bytes, or undefined when `text` is not canonical padded base64. */
export function decodeBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return fromBase64(text);
}
