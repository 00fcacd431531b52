/**
 * [WS-5] Whole WebSocket text frames (header and payload in one Buffer) for deliveries. A server
 * frame is never masked (RFC 6455 §5.1), so the bytes of a frame are the same for every socket it
 * goes to: a broadcast's frame is built once and that one Buffer is written to each member's
 * socket. Going through `ws`'s sender instead built a header per socket and wrote header and
 * payload as two buffers (a `writev` and its bookkeeping per delivery): in a room of 50 editors
 * that framing was a tenth of the server's busy time (editors profile, 2026-12-02).
 */
import type { Message } from '@kuiper/protocol';
import { encodedSize, encodeUnshared, isShared, writeEncoded, writeJson } from '../core/codec.js';

/** FIN and the text opcode: every frame here is a whole text message. */
const FIN_TEXT = 0x81;
const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

function headerLength(payloadBytes: number): number {
  return payloadBytes < 126 ? 2 : payloadBytes < 0x10000 ? 4 : 10;
}

/** A frame with its header written and room for `payload` bytes after it. */
function emptyFrame(payload: number): Buffer {
  const offset = headerLength(payload);
  const frame = Buffer.allocUnsafe(offset + payload);
  frame[0] = FIN_TEXT;
  if (offset === 2) frame[1] = payload;
  else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(payload, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(payload / 0x1_0000_0000), 2);
    frame.writeUInt32BE(payload >>> 0, 6);
  }
  return frame;
}

/**
 * The frame for `json`: one allocation, the text encoded straight into it after the header.
 * `payload`, its UTF-8 size, when the caller knows it already.
 */
export function textFrame(json: string, payload: number = Buffer.byteLength(json)): Buffer {
  const frame = emptyFrame(payload);
  writeJson(json, payload, frame, frame.length - payload);
  return frame;
}

/** A lone message's frame, by message: the same shared object goes to every subscriber. */
const shared = new WeakMap<object, Buffer>();

/**
 * The last batch of several shared messages framed, and its frame: every session of a busy channel
 * is given the same messages in one turn (WS-5), so the frame is built for the first and reused by
 * the next while the batch is the same, message for message. Only a small frame is kept (it stays
 * until another batch replaces it), so a session's large backlog is never held after its write.
 */
let lastBatch: readonly Message[] | undefined;
let lastFrame: Buffer | undefined;
const KEPT_BATCH_BYTES = 64 * 1024;

function sameBatch(a: readonly Message[], b: readonly Message[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The frame carrying `messages` as one JSON array. A batch of one (a broadcast, as most turns of
 * a busy channel deliver) is framed once for every socket; so is a batch of several given to one
 * session after another. Sizes come from the codec's cache (the engine measured each message when
 * it queued it), so no text is measured twice, and each message's JSON is encoded straight into
 * the frame (no concatenated copy). Replies are framed as they are and leave nothing cached.
 */
export function deliveryFrame(messages: readonly Message[]): Buffer {
  if (messages.length === 1) return loneFrame(messages[0] as Message);
  if (lastBatch !== undefined && sameBatch(lastBatch, messages)) return lastFrame as Buffer;
  // A reply's own JSON, by index; shared messages are written from the codec's cache (writeEncoded).
  const own: (string | undefined)[] = [];
  const sizes: number[] = [];
  let payload = messages.length + 1;
  let allShared = true;
  for (const message of messages) {
    const shared = isShared(message);
    const json = shared ? undefined : encodeUnshared(message);
    const bytes = json === undefined ? encodedSize(message) : Buffer.byteLength(json);
    allShared &&= shared;
    own.push(json);
    sizes.push(bytes);
    payload += bytes;
  }
  const frame = emptyFrame(payload);
  let at = frame.length - payload;
  frame[at++] = OPEN;
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) frame[at++] = COMMA;
    const json = own[i];
    at += json === undefined ? writeEncoded(messages[i] as Message, frame, at) : writeJson(json, sizes[i] as number, frame, at);
  }
  frame[at] = CLOSE;
  if (allShared && payload <= KEPT_BATCH_BYTES) {
    // A copy: the frame must stay the bytes of exactly these messages whatever the caller does next.
    lastBatch = messages.slice();
    lastFrame = frame;
  }
  return frame;
}

function loneFrame(message: Message): Buffer {
  if (!isShared(message)) {
    const own = encodeUnshared(message);
    return wrapped(own, Buffer.byteLength(own));
  }
  let frame = shared.get(message);
  if (frame === undefined) {
    const bytes = encodedSize(message);
    frame = emptyFrame(bytes + 2);
    const at = frame.length - bytes - 1;
    frame[at - 1] = OPEN;
    writeEncoded(message, frame, at);
    frame[at + bytes] = CLOSE;
    shared.set(message, frame);
  }
  return frame;
}

/** `[json]` as a frame, the brackets written beside the text rather than concatenated to it. */
function wrapped(json: string, bytes: number): Buffer {
  const frame = emptyFrame(bytes + 2);
  const at = frame.length - bytes - 1;
  frame[at - 1] = OPEN;
  writeJson(json, bytes, frame, at);
  frame[at + bytes] = CLOSE;
  return frame;
}
