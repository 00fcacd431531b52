/**
 * [COLLAB-50] A room's version history over HTTP, for its members, as the pictures are (COLLAB-47):
 *
 *   GET  <base>/<room>        200 { versions: VersionEntry[] } newest first (any member)
 *   POST <base>/<room>        body { label? }: keeps the document as stored now as a version
 *                             (a member who may write); 201 { version }, or 200 with the newest
 *                             one when nothing changed since it and no label was given
 *   GET  <base>/<room>/<id>   the version's document state (a Yjs update), application/octet-stream
 *
 * Every request carries the member's Bayeux clientId (`X-Kuiper-Client`). Any node answers from
 * the shared store, so no request needs the room's authority. Bringing a version back is the
 * client's own edit (`room.versions.restore`), refused to a reader as every edit of theirs is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OriginCheck } from '@kuiper/server';
import { isValidRoomId } from '../protocol/channels.js';
import type { DocumentStore, VersionStore } from '../core/store.js';
import { chatAuthor } from '../chat/chat-service.js';
import { answerJson as json, ApiError, memberOf, preflight, readJsonField, roomRoutes, type MemberCheck } from './http-api.js';
import { saveVersion, versionsOf, VersionsFull, type VersionsOptions } from './versioned-store.js';

/** A node:http handler: true when the request was for the versions' routes (answered, or being answered). */
export type VersionsApi = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface VersionsApiOptions extends VersionsOptions {
  /** Pages of these origins may use the routes from another origin (CORS), as for the assets. */
  allowedOrigins?: OriginCheck;
}

interface VersionsDeps extends MemberCheck {
  readonly store: DocumentStore;
  readonly now?: () => number;
}

export const MAX_VERSION_LABEL = 100;
const DEFAULT_MAX_LABELLED = 100;

/** The label of a save request: none, or 1–100 characters once trimmed; anything else is a 400. */
export async function labelOf(req: IncomingMessage): Promise<string | undefined> {
  const label = await readJsonField(req, 'label', 'a version request', '{ "label"?: string }');
  if (label === undefined) return undefined;
  if (typeof label !== 'string' || label.trim() === '' || label.trim().length > MAX_VERSION_LABEL) {
    throw new ApiError(400, 'label_invalid', `a version's label is 1-${MAX_VERSION_LABEL} characters`);
  }
  return label.trim();
}

export function versionsApi(deps: VersionsDeps, options: VersionsApiOptions = {}): VersionsApi {
  const { store, now = Date.now } = deps;
  const base = (options.basePath ?? '/kuiper-versions').replace(/\/+$/, '');
  const versions = versionsOf(store);
  const maxLabelled = options.maxLabelled ?? DEFAULT_MAX_LABELLED;

  const save = async (req: IncomingMessage, res: ServerResponse, versions: VersionStore, room: string): Promise<void> => {
    const { session, grant } = await memberOf(deps, req, room);
    if (!grant.canWrite) throw new ApiError(403, 'read_only', `that member may not change room ${room}`);
    const label = await labelOf(req);
    const by = chatAuthor(grant.user, session.data, session.clientId);
    try {
      const { version, created } = await saveVersion(store, versions, room, { at: now(), by, maxLabelled, ...(label === undefined ? {} : { label }) }, options);
      json(res, created ? 201 : 200, { version });
    } catch (error) {
      throw error instanceof VersionsFull ? new ApiError(507, 'versions_full', error.message) : error;
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, versions: VersionStore, room: string, id: string): Promise<void> => {
    await memberOf(deps, req, room);
    const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : NaN;
    const state = Number.isSafeInteger(n) ? await versions.getVersion(room, n) : undefined;
    if (!state) throw new ApiError(404, 'version_not_found', `room ${room} has no version ${id}`);
    // A room deleted and made again numbers its versions from 1 anew: no cache may keep one.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': state.byteLength, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : state);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, room: string, id: string | undefined): Promise<void> => {
    if (preflight(options.allowedOrigins, req, res, 'versions')) return;
    if (!isValidRoomId(room)) throw new ApiError(400, 'room_invalid', 'a room id is 1-128 of A-Z a-z 0-9 _ . ~ -');
    if (!versions) throw new ApiError(501, 'versions_unsupported', 'this server’s document store keeps no versions');
    const method = req.method ?? '';
    if (id === undefined && method === 'GET') {
      await memberOf(deps, req, room);
      return json(res, 200, { versions: await versions.listVersions(room) });
    }
    if (id === undefined && method === 'POST') return save(req, res, versions, room);
    if (id !== undefined && (method === 'GET' || method === 'HEAD')) return serve(req, res, versions, room, id);
    res.setHeader('Allow', id === undefined ? 'GET, POST' : 'GET, HEAD');
    throw new ApiError(405, 'method_not_allowed', `${method} is not allowed here`);
  };

  return roomRoutes(base, handle);
}
