/**
 * The HTTP transports over one mount path (SPEC: HTTP-*): `long-polling` (POST, JSON or form body)
 * and `callback-polling` (GET with `message=` and `jsonp=`). They only frame bytes: parsing and
 * checking is the codec's, protocol is the core's, waiting is the connector's. Requests and
 * answers are host-independent (`exchange.ts`); the adapters map them to node:http or fetch.
 */
import { type BayeuxError, bayeuxError } from '@kuiper/protocol';
import { decodeBody, decodeJson, encodeAsciiBatch, encodeBatch } from '../core/codec.js';
import type { Connector } from '../core/connector.js';
import { errorReply } from '../core/core.js';
import { type KuiperRequest, type SizedReply, sizedReply } from './exchange.js';

export interface HttpTransportOptions {
  maxBodyBytes: number;
  /** [LIMIT-11] Most messages one request may carry. */
  maxBatch: number;
  enabled: (connectionType: string) => boolean;
  /** Whether POST is served: long-polling or any streaming transport is enabled. */
  acceptsPost: () => boolean;
}

/**
 * [SEC-7] CORS: the headers an allowed Origin gets; any other gets none (undefined), and the
 * browser blocks the response.
 */
export function corsHeaders(origin: string | undefined, allowed: (origin: string) => boolean, anyOrigin: boolean): Record<string, string> | undefined {
  if (origin === undefined || !allowed(origin)) return undefined;
  // `'*'` means any page may read responses, but never with the user's cookies attached.
  if (anyOrigin) return { 'Access-Control-Allow-Origin': '*' };
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** [SEC-7] The answer to an allowed Origin's preflight. */
export function preflightReply(req: KuiperRequest, cors: Record<string, string>): SizedReply {
  return sizedReply(
    204,
    {
      ...cors,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': req.header('access-control-request-headers') ?? 'Content-Type',
      'Access-Control-Max-Age': '86400',
    },
    '',
    0,
  );
}

/** Request targets are paths; the origin they are parsed against never matters. */
export const BASE_URL = 'http://localhost';

/** JavaScript identifiers, optionally dotted (`jQuery123.cb`): nothing that could inject script. */
export const JSONP_NAME = /^[A-Za-z_$][\w$]{0,127}(?:\.[A-Za-z_$][\w$]{0,127}){0,4}$/;

export const DEFAULT_JSONP = 'jsonpcallback';

const JSON_HEADERS = { 'Content-Type': 'application/json;charset=utf-8', 'Cache-Control': 'no-cache, no-store' };
// [HTTP-6] A comment prefix and nosniff stop the response being read as anything but script.
const SCRIPT_HEADERS = { 'Content-Type': 'text/javascript;charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, no-store' };

export class HttpTransport {
  constructor(
    private readonly connector: Connector,
    private readonly options: HttpTransportOptions,
  ) {}

  /** `req.url` may be undefined for a POST (its body is all that is read). */
  async handle(req: KuiperRequest): Promise<SizedReply> {
    if (req.method === 'POST') return this.longPolling(req);
    if (req.method === 'GET') return this.callbackPolling(req, req.url ?? new URL('/', BASE_URL));
    return sizedReply(405, { Allow: 'GET, POST, OPTIONS', 'Content-Type': 'text/plain' }, 'method not allowed');
  }

  private async longPolling(req: KuiperRequest): Promise<SizedReply> {
    // POST carries handshakes and every non-connect message for the streaming transports too.
    if (!this.options.acceptsPost()) return errorResponse(400, bayeuxError('connection_type_unsupported'));
    const body = await req.text(this.options.maxBodyBytes);
    // [HTTP-3] Past the limit nothing more is kept; the host drains a bounded rest, then closes.
    if (body === undefined) return errorResponse(413, bayeuxError('body_too_large'), { Connection: 'close' });
    const decoded = decodeBody(body, req.header('content-type'), this.options.maxBatch);
    if (!decoded.ok) return errorResponse(400, decoded.error);
    const replies = await this.connector.respond(decoded.messages, 'long-polling', req.departed);
    const out = encodeAsciiBatch(replies);
    // The body is ASCII (HTTP-8), so its length in bytes is its length.
    return sizedReply(200, JSON_HEADERS, out, out.length);
  }

  private async callbackPolling(req: KuiperRequest, url: URL): Promise<SizedReply> {
    if (!this.options.enabled('callback-polling')) return errorResponse(400, bayeuxError('connection_type_unsupported'));
    const callback = url.searchParams.get('jsonp') ?? DEFAULT_JSONP;
    // [HTTP-5] The callback name is validated before anything is echoed into a script.
    if (!JSONP_NAME.test(callback)) return errorResponse(400, bayeuxError('jsonp_invalid'));
    const message = queryMessage(url, this.options.maxBodyBytes);
    if (!(typeof message === 'string')) return message;
    const decoded = decodeJson(message, this.options.maxBatch);
    const replies = decoded.ok
      ? await this.connector.respond(decoded.messages, 'callback-polling', req.departed)
      : [errorReply({}, decoded.error)];
    return sizedReply(decoded.ok ? 200 : 400, SCRIPT_HEADERS, `/**/${callback}(${encodeBatch(replies)});`);
  }
}

/** The `message=` of a GET, or the error answer when it is missing or over `maxBodyBytes`. */
export function queryMessage(url: URL, maxBodyBytes: number): string | SizedReply {
  const message = url.searchParams.get('message');
  if (message === null) return errorResponse(400, bayeuxError('body_invalid'));
  if (Buffer.byteLength(message) > maxBodyBytes) return errorResponse(413, bayeuxError('body_too_large'));
  return message;
}

/** [HTTP-2] A refused request's answer: a one-message array carrying the error. */
export function errorResponse(status: number, error: BayeuxError, extra?: Record<string, string>): SizedReply {
  const headers = { 'Content-Type': 'application/json;charset=utf-8', ...extra };
  return sizedReply(status, headers, encodeBatch([errorReply({}, error)]));
}
