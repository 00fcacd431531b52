/**
 * `multipart-mime` (SPEC: STREAM-11): a `multipart/x-mixed-replace` response (or `multipart/mixed`
 * when the request's Accept names it), one `application/json` part per batch. Each part is followed
 * at once by the next delimiter, so a reader knows a part is complete without waiting for the next.
 */
import { randomBytes } from 'node:crypto';
import { encodeBatch } from '../../core/codec.js';
import type { StreamFormat } from './format.js';

function part(boundary: string, json: string): string {
  return (
    `\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n` +
    `${json}\r\n--${boundary}`
  );
}

export const multipartTransport: StreamFormat = {
  name: 'multipart-mime',
  open(req) {
    // Random per stream: no message can contain the delimiter by accident or by design.
    const boundary = `kuiper-${randomBytes(12).toString('hex')}`;
    const mixed = /\bmultipart\/mixed\b/i.test(req.header('accept') ?? '');
    const type = mixed ? 'multipart/mixed' : 'multipart/x-mixed-replace';
    return {
      headers: { 'Content-Type': `${type}; boundary=${boundary}` },
      start: `--${boundary}`,
      batch: (messages) => part(boundary, encodeBatch(messages)),
      // An empty batch: a whole part, so a reader's framing never sees anything but parts.
      keepAlive: part(boundary, '[]'),
      // Turns the last delimiter into the close delimiter `--boundary--`.
      end: '--\r\n',
    };
  },
};
