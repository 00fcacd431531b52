/**
 * What the collab package's HTTP handlers (the documents API, the assets API) share: an error that
 * carries its status and code, the JSON answer it becomes, and a body read with a size limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeThrown } from '../protocol/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Answers `thrown` as `{ error, message }` with its status (500 for anything not an ApiError). */
export function answerError(req: IncomingMessage, res: ServerResponse, thrown: unknown): void {
  const error = thrown instanceof ApiError ? thrown : new ApiError(500, 'server_error', describeThrown(thrown));
  if (res.headersSent) return void res.destroy();
  res.writeHead(error.status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: error.code, message: error.message }));
  if (error.status === 413) req.destroy(); // the rest of the body is not read
}

/** The request's body, or a 413 `body_too_large` saying `what` once it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number, what: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): ApiError => new ApiError(413, 'body_too_large', `${what} is at most ${limit} bytes`);
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
