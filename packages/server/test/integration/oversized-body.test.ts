// Issue 10: a body over maxBodyBytes must get its 413 while the client is still sending (HTTP-3).
// Before the fix a 12 MiB POST against the 1 MiB default saw its connection reset (EPIPE) and
// never read the answer. Raw node:http and net clients, so no library hides what the socket does.
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { heapUsed } from '../hardening/support.js';
import { Cleanup, eventually, expectHealthy, startServer } from '../helpers/server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

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
class ChunkedPost {
  received = '';
  errors: string[] = [];
  sent = 0;
  closed = false;
  private readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    cleanup.add(() => this.socket.destroy());
    this.socket.setEncoding('latin1');
    this.socket.on('data', (text: string) => (this.received += text));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.errors.push(err.code ?? err.message));
    this.socket.on('close', () => (this.closed = true));
    this.socket.write('POST /bayeux HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
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

describe('[HTTP-3] a body over maxBodyBytes, still being sent', () => {
  it('[HTTP-3][LIMIT-1] a 12 MiB POST with Content-Length reads its 413 and body, no EPIPE or reset', async () => {
    const { url } = await startServer(cleanup);
    const res = await postSized(url, 12 * MiB);
    expect(res.errors).toEqual([]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual([expect.objectContaining({ successful: false, error: '413::body_too_large' })]);
    await expectHealthy(url);
  });

  it('[HTTP-3] a 12 MiB chunked POST (no Content-Length) reads its 413 while still sending, then the server closes', async () => {
    const { url, port } = await startServer(cleanup);
    const post = new ChunkedPost(port);
    await post.send(2 * MiB);
    // The answer is there before the client has finished sending.
    await eventually(() => expect(post.status).toBe(413));
    expect(post.received).toMatch(/\r\nconnection: close\r\n/i);
    await post.send(10 * MiB);
    // Every byte went out: the server kept reading (and dropping) instead of hanging up.
    expect(post.sent).toBe(12 * MiB);
    post.finish();
    await closed(post);
    expect(post.errors).toEqual([]);
    expect(JSON.parse(post.body)).toEqual([expect.objectContaining({ successful: false, error: '413::body_too_large' })]);
    await expectHealthy(url);
  });

  it('[HTTP-3] the dropped rest of the body is not buffered, and past the bound the connection is closed', async () => {
    const { url, port } = await startServer(cleanup, { maxBodyBytes: 64 * 1024 });
    const post = new ChunkedPost(port);
    const before = arrayBuffersAfterGc();
    let peak = 0;
    // Up to 64 MiB: the server reads and drops at most 16 MiB (discardBytes) and then hangs up.
    await post.send(64 * MiB, () => (peak = Math.max(peak, arrayBuffersAfterGc() - before)));
    await closed(post);
    expect(post.status).toBe(413);
    expect(post.sent).toBeLessThan(40 * MiB);
    console.log(`[oversized body] sent ${(post.sent / MiB).toFixed(1)} MiB before the server closed; peak external memory +${(peak / MiB).toFixed(2)} MiB`);
    // Buffering what is dropped would grow by a MiB per MiB sent (16 MiB before the close).
    expect(peak).toBeLessThan(4 * MiB);
    await expectHealthy(url);
  });
});

function arrayBuffersAfterGc(): number {
  heapUsed();
  return process.memoryUsage().arrayBuffers;
}

function closed(post: ChunkedPost): Promise<void> {
  return eventually(() => expect(post.closed).toBe(true), 10_000);
}
