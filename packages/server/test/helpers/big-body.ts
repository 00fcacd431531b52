// Raw clients that send large bodies: node:http in one write, and a chunked POST over a bare
// socket that keeps sending while it reads the answer (HTTP-3, issue 10).
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { onCleanup } from '@kuiper/testkit';
import { expect } from 'vitest';

export const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * [HTTP-3] The case of issue 10: a 12 MiB POST against the 1 MiB default. The client reads the whole
 * 413 and its Bayeux body and sees no error (before the fix: EPIPE, and no answer).
 */
export async function expectTwelveMiBRefused(url: string): Promise<void> {
  const res = await postSized(url, 12 * MiB);
  expect(res.errors).toEqual([]);
  expect(res.status).toBe(413);
  expect(JSON.parse(res.body)).toEqual([expect.objectContaining({ successful: false, error: '413::body_too_large' })]);
}

/** POSTs `bytes` with Content-Length through node:http in one write, as fetch or axios would. */
function postSized(url: string, bytes: number): Promise<{ status: number; body: string; errors: string[] }> {
  return new Promise((resolve) => {
    const errors: string[] = [];
    let answer: { status: number; body: string } | undefined;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes } });
    req.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (answer = { status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    });
    // 'close' comes after any error the socket could still raise.
    req.on('close', () => resolve({ status: answer?.status ?? 0, body: answer?.body ?? '', errors }));
    req.end(Buffer.alloc(bytes, 'x'));
  });
}

/** A raw chunked POST (no Content-Length) written 64 KiB at a time while the answer is read. */
export class ChunkedPost {
  received = '';
  errors: string[] = [];
  sent = 0;
  closed = false;
  private readonly socket: Socket;

  constructor(port: number, path = '/bayeux') {
    this.socket = connect(port, '127.0.0.1');
    onCleanup(() => this.socket.destroy());
    this.socket.setEncoding('latin1');
    this.socket.on('data', (text: string) => (this.received += text));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.errors.push(err.code ?? err.message));
    this.socket.on('close', () => (this.closed = true));
    this.socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
  }

  /** Sends `bytes` more of body; `onMiB` runs after each MiB has left. Stops early if the server closes. */
  async send(bytes: number, onMiB?: () => void): Promise<void> {
    const head = `${CHUNK.length.toString(16)}\r\n`;
    for (let n = 0; n < bytes && !this.closed; n += CHUNK.length) {
      this.socket.write(head);
      this.socket.write(CHUNK);
      const more = this.socket.write('\r\n');
      this.sent += CHUNK.length;
      if (!more) await new Promise((resolve) => this.socket.once('drain', resolve).once('close', resolve));
      if (onMiB && this.sent % MiB === 0) onMiB();
    }
  }

  finish(): void {
    this.socket.write('0\r\n\r\n');
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.received)?.[1] ?? 0);
  }

  get body(): string {
    return this.received.slice(this.received.indexOf('\r\n\r\n') + 4);
  }
}
