/**
 * The HTTP transports over one mount path (SPEC: HTTP-*): `long-polling` (POST, JSON or form body)
 * and `callback-polling` (GET with `message=` and `jsonp=`). They only frame bytes: parsing and
 * checking is the codec's, protocol is the core's, waiting is the connector's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BayeuxError, bayeuxError } from '@kuiper/protocol';
import { decodeBody, decodeJson, encodeAsciiBatch, encodeBatch } from '../core/codec.js';
import { type Connector, Departed } from '../core/connector.js';
import { errorReply } from '../core/core.js';

export interface HttpTransportOptions {
  maxBodyBytes: number;
  enabled: (connectionType: string) => boolean;
  /** Whether POST is served: long-polling or any streaming transport is enabled. */
  acceptsPost: () => boolean;
}

/**
 * [SEC-7] CORS: an allowed Origin gets the headers (and its preflight is answered here, returning
 * true); any other gets none, and the browser blocks the response.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: (origin: string) => boolean,
  anyOrigin: boolean,
): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || !allowed(origin)) return false;
  if (anyOrigin) {
    // `'*'` means any page may read responses, but never with the user's cookies attached.
    res.setHeader('Access-Control-Allow-Origin', '*');
  } else {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type',
    'Access-Control-Max-Age': '86400',
  });
  res.end();
  return true;
}

/** Request targets are paths; the origin they are parsed against never matters. */
export const BASE_URL = 'http://localhost';

/** JavaScript identifiers, optionally dotted (`jQuery123.cb`): nothing that could inject script. */
export const JSONP_NAME = /^[A-Za-z_$][\w$]{0,127}(?:\.[A-Za-z_$][\w$]{0,127}){0,4}$/;

export const DEFAULT_JSONP = 'jsonpcallback';

export class HttpTransport {
  constructor(
    private readonly connector: Connector,
    private readonly options: HttpTransportOptions,
  ) {}

  /** `url` may be left out for a POST (its body is all that is read). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL | undefined): Promise<void> {
    if (req.method === 'POST') return this.longPolling(req, res);
    if (req.method === 'GET') return this.callbackPolling(req, res, url ?? new URL(req.url ?? '/', BASE_URL));
    res.writeHead(405, { Allow: 'GET, POST, OPTIONS', 'Content-Type': 'text/plain' }).end('method not allowed');
  }

  private async longPolling(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // POST carries handshakes and every non-connect message for the streaming transports too.
    if (!this.options.acceptsPost()) return sendError(res, 400, bayeuxError('connection_type_unsupported'));
    const body = await readBody(req, this.options.maxBodyBytes);
    if (body === undefined) {
      // [HTTP-3] Past the limit we stop reading and answer 413; the connection is closed after.
      res.setHeader('Connection', 'close');
      return sendError(res, 413, bayeuxError('body_too_large'));
    }
    const decoded = decodeBody(body, req.headers['content-type']);
    if (!decoded.ok) return sendError(res, 400, decoded.error);
    const replies = await this.connector.respond(decoded.messages, 'long-polling', departureOf(res));
    if (res.destroyed) return;
    const out = encodeAsciiBatch(replies);
    // The body is ASCII (HTTP-8), so its length in bytes is its length.
    sendBody(res, 200, { 'Content-Type': 'application/json;charset=utf-8', 'Cache-Control': 'no-cache, no-store' }, out, out.length);
  }

  private async callbackPolling(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!this.options.enabled('callback-polling')) {
      return sendError(res, 400, bayeuxError('connection_type_unsupported'));
    }
    const callback = url.searchParams.get('jsonp') ?? DEFAULT_JSONP;
    // [HTTP-5] The callback name is validated before anything is echoed into a script.
    if (!JSONP_NAME.test(callback)) return sendError(res, 400, bayeuxError('jsonp_invalid'));
    const message = url.searchParams.get('message');
    if (message === null) return sendError(res, 400, bayeuxError('body_invalid'));
    if (Buffer.byteLength(message) > this.options.maxBodyBytes) return sendError(res, 413, bayeuxError('body_too_large'));
    const decoded = decodeJson(message);
    const replies = decoded.ok
      ? await this.connector.respond(decoded.messages, 'callback-polling', departureOf(res))
      : [errorReply({}, decoded.error)];
    if (res.destroyed) return;
    // [HTTP-6] A comment prefix and nosniff stop the response being read as anything but script.
    const headers = { 'Content-Type': 'text/javascript;charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, no-store' };
    sendBody(res, decoded.ok ? 200 : 400, headers, `/**/${callback}(${encodeBatch(replies)});`);
  }
}

/** Fires if the client goes away before we answer, so a held connect lets go. */
export function departureOf(res: ServerResponse): Departed {
  const gone = new Departed();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone;
}

/** Reads the body up to `limit` bytes; undefined when it is larger (the rest is not buffered). */
export function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        // Answer now; what is still coming is drained and dropped, never buffered.
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return resolve(undefined);
      // A poll's body comes in one chunk: no copy to concatenate it.
      resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export function sendError(res: ServerResponse, status: number, error: BayeuxError): void {
  if (res.headersSent) return void res.end();
  sendBody(res, status, { 'Content-Type': 'application/json;charset=utf-8' }, encodeBatch([errorReply({}, error)]));
}

/**
 * [HTTP-10] A whole answer with its length: writeHead() followed by end(body) would otherwise be
 * framed as chunked (length line, body, terminating chunk) for the client to take apart.
 */
function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, body: string, bytes = Buffer.byteLength(body)): void {
  res.writeHead(status, { ...headers, 'Content-Length': bytes });
  res.end(body);
}
