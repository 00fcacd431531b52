/**
 * [WS-5] Whole WebSocket text frames (header and payload in one Buffer) for deliveries. A server
 * frame is never masked (RFC 6455 §5.1), so the bytes of a frame are the same for every socket it
 * goes to: a broadcast's frame is built once and that one Buffer is written to each member's
 * socket. Going through `ws`'s sender instead built a header per socket and wrote header and
 * payload as two buffers (a `writev` and its bookkeeping per delivery): in a room of 50 editors
 * that framing was a tenth of the server's busy time (editors profile, 2026-12-02).
 */
import type { Message } from '@kuiper/protocol';
import { encodeBatch, encodeMessage } from '../core/codec.js';

/** FIN and the text opcode: every frame here is a whole text message. */
const FIN_TEXT = 0x81;

function headerLength(payloadBytes: number): number {
  return payloadBytes < 126 ? 2 : payloadBytes < 0x10000 ? 4 : 10;
}

/** The frame for `json`: one allocation, the text encoded straight into it after the header. */
export function textFrame(json: string): Buffer {
  const payload = Buffer.byteLength(json);
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
  frame.write(json, offset, 'utf8');
  return frame;
}

/** A lone message's frame, by message: the same shared object goes to every subscriber. */
const shared = new WeakMap<object, Buffer>();

/**
 * The frame carrying `messages` as one JSON array. A batch of one (a broadcast, as most turns of
 * a busy channel deliver) is framed once for every socket; a batch of several is one session's
 * own and framed for it alone.
 */
export function deliveryFrame(messages: readonly Message[]): Buffer {
  if (messages.length !== 1) return textFrame(encodeBatch(messages));
  const only = messages[0] as Message;
  let frame = shared.get(only);
  if (frame === undefined) {
    frame = textFrame(`[${encodeMessage(only)}]`);
    shared.set(only, frame);
  }
  return frame;
}
