/**
 * What the collab package's HTTP handlers (the documents, assets and versions APIs) share: an error
 * that carries its status and code, the JSON answer it becomes, a body read with a size limit, and
 * how a room member is recognised and a page of another origin let in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { originAllowed, type KuiperServer, type OriginCheck, type SessionInfo } from '@kuiper/server';
import { describeThrown } from '../protocol/errors.js';
import { roomChannels } from '../protocol/channels.js';
import type { MemberGrant } from '../core/room-authority.js';

/** The header a room member's requests carry its Bayeux clientId in: the credential it already has. */
export const CLIENT_HEADER = 'x-kuiper-client';

/** What recognising a room member over HTTP needs. */
export interface MemberCheck {
  readonly kuiper: Pick<KuiperServer, 'subscribers'>;
  /** The room's `authorize` (attachCollab's). */
  readonly authorize: (room: string, session: SessionInfo) => MemberGrant | Promise<MemberGrant>;
}

/** The requester's session and grant in the room: it must be a member now (subscribed to the room's document, on any node). */
export async function memberOf({ kuiper, authorize }: MemberCheck, req: IncomingMessage, room: string): Promise<{ session: SessionInfo; grant: MemberGrant }> {
  const clientId = req.headers[CLIENT_HEADER];
  if (typeof clientId !== 'string' || clientId === '') throw new ApiError(401, 'client_missing', `send the room member's clientId as ${CLIENT_HEADER}`);
  const session = (await kuiper.subscribers(roomChannels(room).doc)).find((s) => s.clientId === clientId);
  if (!session) throw new ApiError(403, 'not_member', `that client is not in room ${room}`);
  return { session, grant: await authorize(room, session) };
}

/**
 * CORS: an allowed page's origin is told it may read the answer (errors included, so it learns
 * why). True when the request was a preflight (a member's X-Kuiper-Client header makes one), now
 * answered; a preflight from any other origin is a 403 saying what is not served to it.
 */
export function preflight(allowed: OriginCheck | undefined, req: IncomingMessage, res: ServerResponse, what: string): boolean {
  const origin = req.headers.origin;
  const ok = origin !== undefined && allowed !== undefined && originAllowed(allowed, origin, undefined);
  if (ok) {
    res.setHeader('Access-Control-Allow-Origin', allowed === '*' ? '*' : origin);
    res.setHeader('Vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  if (!ok) throw new ApiError(403, 'origin_refused', `${what} are not served to ${origin ?? 'that page'}`);
  res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD, POST', 'Access-Control-Allow-Headers': `${CLIENT_HEADER}, content-type`, 'Access-Control-Max-Age': '600' });
  res.end();
  return true;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Answers `body` as JSON with `status`, never cached. */
export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
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

/**
 * The one field `key` of a small JSON body (at most 4 KiB): undefined for an empty body or a body
 * without it; 400 `body_invalid` for a body that is not JSON (`shape` says what it should be).
 */
export async function readJsonField(req: IncomingMessage, key: string, what: string, shape: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBody(req, 4096, what));
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'body_invalid', `the body is JSON: ${shape}`);
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : null;
}

/**
 * A node:http handler for `<base>/<room>` and `<base>/<room>/<id>`: true when the request was for
 * them (answered, or being answered by `handle`, whose throw becomes the error's answer).
 */
export function roomRoutes(base: string, handle: (req: IncomingMessage, res: ServerResponse, room: string, id: string | undefined) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`${base}/`)) return false;
    const match = /^([^/]+)(?:\/([^/]+))?$/.exec(url.pathname.slice(base.length + 1));
    if (!match) return false;
    // Room ids are URL-safe: the segment is used as it is (a %-escape is no room's id).
    handle(req, res, match[1] as string, match[2]).catch((thrown: unknown) => answerError(req, res, thrown));
    return true;
  };
}
