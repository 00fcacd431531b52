/**
 * What every host adapter does with a request once it has mapped it to a `KuiperRequest`: is it
 * Kuiper's (the mount path, the stats path), CORS, and which transport answers it. node:http and
 * fetch share it, so both hosts serve exactly the same protocol.
 */
import { bayeuxError } from '@kuiper/protocol';
import type { EngineStats } from '../core/engine.js';
import { createLogger } from '../core/log.js';
import type { KuiperReply, KuiperRequest } from '../transports/exchange.js';
import { type HttpTransport, corsHeaders, errorResponse, preflightReply } from '../transports/http.js';
import { StreamTransport } from '../transports/stream.js';
import { ownsPath } from './mount.js';

const log = createLogger('server');

/** What the adapters need from the server they host. */
export interface HttpHost {
  readonly path: string;
  readonly http: HttpTransport;
  readonly streams: StreamTransport;
  /** Serve `GET /_kuiper/stats`. */
  readonly serveStats: boolean;
  stats(): EngineStats;
  corsAllowed(origin: string): boolean;
  readonly corsAny: boolean;
}

/**
 * Whether a request is Kuiper's: `undefined` if not; else its parsed URL, or `null` for a POST to
 * the bare mount path, which is not parsed (the hot path: a poll).
 */
export function claim(host: HttpHost, method: string, target: string, parse: (target: string) => URL): URL | null | undefined {
  if (method === 'POST' && ownsPath(host.path, target)) return null;
  const url = parse(target);
  if (host.serveStats && method === 'GET' && url.pathname === '/_kuiper/stats') return url;
  return ownsPath(host.path, url.pathname) ? url : undefined;
}

/** Answers a request `claim` accepted. Never rejects: a failure is logged and answered 500. */
export async function serve(host: HttpHost, req: KuiperRequest): Promise<KuiperReply> {
  const url = req.url;
  if (url && host.serveStats && url.pathname === '/_kuiper/stats' && req.method === 'GET') {
    const body = JSON.stringify(host.stats());
    return { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(body) }, body };
  }
  const origin = req.header('origin');
  const cors = origin === undefined ? undefined : corsHeaders(origin, (o) => host.corsAllowed(o), host.corsAny);
  if (cors && req.method === 'OPTIONS') return preflightReply(req, cors);
  let reply: KuiperReply;
  try {
    // [STREAM-2] GETs naming a streaming transport open a stream; every other request is HTTP-*.
    reply = url && StreamTransport.wants(req.method, url) ? await host.streams.handle(req, url) : await host.http.handle(req);
  } catch (err) {
    // A client that hangs up mid-body is ordinary life on the internet, not a server error.
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || (err as Error).message === 'aborted' || req.departed.aborted) log.debug('client went away', err);
    else log.error('request failed', err);
    reply = errorResponse(500, bayeuxError('server_error'));
  }
  return cors ? { ...reply, headers: { ...reply.headers, ...cors } } : reply;
}
