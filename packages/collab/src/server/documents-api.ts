/**
 * [COLLAB-43] Rooms' documents over HTTP, for a backend in any language (Liveblocks has a REST API
 * for this; Hocuspocus leaves it to the app): read a room's document as Yjs bytes or as JSON, and
 * apply a Yjs update to it, stored and sent to every member. A thin adapter over `openDocument`
 * (COLLAB-42), so it holds on several nodes as members do; versions are read and saved in the
 * store (`storedVersions`), and only a restore loads the room. Every request needs the API key
 * (`Authorization: Bearer <key>`); bad input is a 4xx with a JSON `{ error, message }`, never a
 * change to anyone's document.
 *
 *   GET  <base>/<room>/ydoc                 the document as one Yjs update (application/octet-stream)
 *   GET  <base>/<room>/ydoc?key=K&type=T    one top-level type as JSON (T: map, array, text, xml)
 *   POST <base>/<room>/ydoc                 body: a Yjs update; 204 once stored
 *
 * [COLLAB-50] And its versions, when the store keeps them (else 501):
 *   GET  <base>/<room>/versions             200 { versions } newest first
 *   POST <base>/<room>/versions             body { label? }: 201 { version } (200: unchanged, that one)
 *   GET  <base>/<room>/versions/<id>        the version's state (application/octet-stream)
 *   POST <base>/<room>/versions/<id>/restore  brings it back for every member: 200 { before }
 *        body { only?: string[] }: [COLLAB-51] just those top-level types (the rest stays as it is)
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { isValidRoomId } from '../protocol/channels.js';
import { updateProblem } from '../core/yjs-checks.js';
import type { AttachedCollab } from './attach-collab.js';
import { answerError, answerJson as json, ApiError, readBody, readJsonField } from './http-api.js';
import { labelOf } from './versions-api.js';

export interface DocumentsApiOptions {
  /** The key every request must carry as `Authorization: Bearer <key>` (at least 16 characters). */
  apiKey: string;
  /** Where the routes live (default `/api/rooms`). */
  basePath?: string;
  /** The largest update a POST may carry (default 16 MiB); past it, 413. */
  maxBodyBytes?: number;
}

/** A node:http handler: true when the request was the API's (answered, or being answered). */
export type DocumentsApi = (req: IncomingMessage, res: ServerResponse) => boolean;

const TYPES = {
  map: (doc: Y.Doc, key: string) => doc.getMap(key).toJSON(),
  array: (doc: Y.Doc, key: string) => doc.getArray(key).toJSON(),
  text: (doc: Y.Doc, key: string) => doc.getText(key).toJSON(),
  xml: (doc: Y.Doc, key: string) => doc.getXmlFragment(key).toJSON(),
} as const;

type Route = { readonly kind: 'ydoc'; readonly room: string } | { readonly kind: 'versions'; readonly room: string; readonly id?: number; readonly restore: boolean };

/** `<room>/ydoc`, `<room>/versions`, `<room>/versions/<id>` or `<room>/versions/<id>/restore`; undefined for no route of the API. */
function routeOf(path: string): Route | undefined {
  const match = /^([^/]+)\/(?:(ydoc)|versions(?:\/([1-9][0-9]{0,15})(\/restore)?)?)$/.exec(path);
  if (!match) return undefined;
  const room = match[1] as string;
  if (match[2]) return { kind: 'ydoc', room };
  const id = match[3] === undefined ? undefined : Number(match[3]);
  return id === undefined ? { kind: 'versions', room, restore: false } : { kind: 'versions', room, id, restore: match[4] !== undefined };
}

/** The most top-level types a restore may name. */
const MAX_RESTORE_TYPES = 20;

/** [COLLAB-51] A restore's body: none (the whole document), or `{ only: [1-20 type names] }`; anything else is a 400. */
async function onlyOf(req: IncomingMessage): Promise<readonly string[] | undefined> {
  const only = await readJsonField(req, 'only', 'a restore request', '{ "only"?: string[] }');
  if (only === undefined) return undefined;
  if (!Array.isArray(only) || only.length === 0 || only.length > MAX_RESTORE_TYPES || !only.every((name) => typeof name === 'string' && name.length > 0 && name.length <= 100)) {
    throw new ApiError(400, 'only_invalid', `only is 1-${MAX_RESTORE_TYPES} names of the document's top-level types`);
  }
  return only as string[];
}

export function documentsApi(collab: Pick<AttachedCollab, 'openDocument' | 'storedVersions'>, options: DocumentsApiOptions): DocumentsApi {
  if (options.apiKey.length < 16) throw new TypeError('documentsApi: apiKey must be at least 16 characters');
  const base = (options.basePath ?? '/api/rooms').replace(/\/+$/, '');
  const key = Buffer.from(options.apiKey);
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;

  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    return given.length === key.length && timingSafeEqual(given, key);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL, room: string, route: Route): Promise<void> => {
    if (!authorized(req)) throw new ApiError(401, 'unauthorized', 'send the API key as Authorization: Bearer <key>');
    if (!isValidRoomId(room)) throw new ApiError(400, 'room_invalid', 'a room id is 1-128 of A-Z a-z 0-9 _ . ~ -');
    if (route.kind === 'versions') return versions(req, res, room, route);
    if (req.method === 'GET') return read(res, url, room);
    if (req.method === 'POST') return write(req, res, room);
    res.setHeader('Allow', 'GET, POST');
    throw new ApiError(405, 'method_not_allowed', `${req.method ?? ''} is not GET or POST`);
  };

  const read = async (res: ServerResponse, url: URL, room: string): Promise<void> => {
    const type = url.searchParams.get('type');
    const name = url.searchParams.get('key');
    if ((type === null) !== (name === null)) throw new ApiError(400, 'query_invalid', 'key and type go together');
    if (type !== null && !Object.hasOwn(TYPES, type)) throw new ApiError(400, 'query_invalid', `type is one of ${Object.keys(TYPES).join(', ')}`);
    const handle = await collab.openDocument(room);
    try {
      if (type === null || name === null) {
        const bytes = Y.encodeStateAsUpdate(handle.doc);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-store' });
        res.end(bytes);
        return;
      }
      const body = JSON.stringify(TYPES[type as keyof typeof TYPES](handle.doc, name));
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(body);
    } finally {
      await handle.close();
    }
  };

  const write = async (req: IncomingMessage, res: ServerResponse, room: string): Promise<void> => {
    const update = await readBody(req, maxBodyBytes, 'an update');
    // [COLLAB-12] Decoded once on its own first: a malformed update never reaches the document.
    const problem = update.byteLength === 0 ? 'an empty body' : updateProblem(update);
    if (problem) throw new ApiError(400, 'update_invalid', `the body is not a Yjs update (${problem})`);
    const handle = await collab.openDocument(room);
    try {
      await handle.change((doc) => Y.applyUpdate(doc, update));
    } finally {
      await handle.close();
    }
    res.writeHead(204).end();
  };

  const versions = async (req: IncomingMessage, res: ServerResponse, room: string, route: Extract<Route, { kind: 'versions' }>): Promise<void> => {
    const method = req.method ?? '';
    const allowed = route.id === undefined ? 'GET, POST' : route.restore ? 'POST' : 'GET';
    if (!allowed.split(', ').includes(method)) {
      res.setHeader('Allow', allowed);
      throw new ApiError(405, 'method_not_allowed', `${method} is not ${allowed} here`);
    }
    const label = route.id === undefined && method === 'POST' ? await labelOf(req) : undefined;
    // Listing, reading and saving read the store; only a restore loads the room, as it edits it.
    const kept = collab.storedVersions(room);
    if (!kept) throw new ApiError(501, 'versions_unsupported', 'this server’s document store keeps no versions');
    if (route.id === undefined && method === 'GET') return json(res, 200, { versions: await kept.list() });
    if (route.id === undefined) {
      const { version, created } = await kept.save(label);
      return json(res, created ? 201 : 200, { version });
    }
    if (route.restore) {
      const only = await onlyOf(req);
      const handle = await collab.openDocument(room);
      try {
        const restored = await handle.versions?.restore(route.id, only === undefined ? {} : { only });
        if (!restored) throw new ApiError(404, 'version_not_found', `room ${room} has no version ${route.id}`);
        return json(res, 200, restored);
      } finally {
        await handle.close();
      }
    }
    const state = await kept.state(route.id);
    if (!state) throw new ApiError(404, 'version_not_found', `room ${room} has no version ${route.id}`);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': state.byteLength, 'Cache-Control': 'no-store' });
    res.end(state);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(`${base}/`)) return false;
    const route = routeOf(url.pathname.slice(base.length + 1));
    if (!route) return false;
    // Room ids are URL-safe: the segment is used as it is (a %-escape is no room's id).
    handle(req, res, url, route.room, route).catch((thrown: unknown) => answerError(req, res, thrown));
    return true;
  };
}
