/**
 * [COLLAB-47] Rooms' pictures over HTTP: a member uploads a picture once and the document refers to
 * it (`asset:<sha-256>`, BOARD-24) instead of holding up to two million characters of it, so joining
 * a board of pictures costs its shapes, and each picture is fetched once and cached by the browser.
 *
 *   POST <base>/<room>        body: the picture's bytes; header `X-Kuiper-Client: <clientId>`
 *                             201 { id, src, type, bytes } once stored (200 when it was already)
 *   GET  <base>/<room>/<id>   the picture, cached for a year (an id is its bytes' hash: it never changes)
 *
 * An upload is the room's member speaking: its Bayeux session (the clientId, the credential every
 * Bayeux request already carries) must be subscribed to the room, on any node, and `authorize` must
 * let it write. Reading needs the id, which only the room's document holds: whoever could read the
 * document can see its pictures, as with a shared link; no one can list a room's assets.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OriginCheck } from '@kuiper/server';
import { assetSrc, isAssetId, pictureType } from '../protocol/assets.js';
import { isValidRoomId } from '../protocol/channels.js';
import type { AssetStore, DocumentStore } from '../core/store.js';
import { ApiError, CLIENT_HEADER, memberOf, preflight, readBody, roomRoutes, type MemberCheck } from './http-api.js';

export interface AssetsOptions {
  /** Where the routes live (default `/kuiper-assets`): the client's `enterRoom(…, { assetsUrl })`. */
  basePath?: string;
  /** The largest picture an upload may carry (default 8 MiB); past it, 413. */
  maxBytes?: number;
  /**
   * The most a room's pictures may take together (default 100 MiB): past it an upload is 507
   * `room_full`, so one member cannot fill the disk (or Redis's memory) that every room shares.
   */
  maxRoomBytes?: number;
  /**
   * Pages of these origins may upload and fetch pictures from another origin (CORS): the value given
   * to `createKuiperServer`'s `allowedOrigins` (a list, `'*'`, or a function). Default: same origin only.
   */
  allowedOrigins?: OriginCheck;
  /**
   * [COLLAB-48] How long a picture the room no longer refers to is kept (default 7 days), from the
   * first time a room's emptying found it unused; `Infinity` keeps every picture for good.
   */
  unusedForMs?: number;
}

/** A node:http handler: true when the request was for the assets' routes (answered, or being answered). */
export type AssetsApi = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The header an upload carries the member's clientId in. */
export const ASSET_CLIENT_HEADER = CLIENT_HEADER;
const YEAR_SECONDS = 365 * 24 * 3600;

interface AssetsDeps extends MemberCheck {
  readonly store: DocumentStore;
}

/** What serving assets needs of the store: storing and reading them. */
type AssetIO = Pick<AssetStore, 'putAsset' | 'getAsset'>;

export function assetsApi(deps: AssetsDeps, options: AssetsOptions = {}): AssetsApi {
  const { store } = deps;
  const base = (options.basePath ?? '/kuiper-assets').replace(/\/+$/, '');
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxRoomBytes = options.maxRoomBytes ?? 100 * 1024 * 1024;
  const assets: AssetIO | undefined = store.putAsset && store.getAsset ? { putAsset: store.putAsset.bind(store), getAsset: store.getAsset.bind(store) } : undefined;

  const upload = async (req: IncomingMessage, res: ServerResponse, store: AssetIO, room: string): Promise<void> => {
    if (!(await memberOf(deps, req, room)).grant.canWrite) throw new ApiError(403, 'read_only', `that member may not change room ${room}`);
    const bytes = await readBody(req, maxBytes, 'a picture');
    const type = pictureType(bytes);
    if (!type) throw new ApiError(415, 'asset_type', 'a picture is PNG, JPEG, WebP or GIF');
    const id = createHash('sha256').update(bytes).digest('hex');
    const put = await store.putAsset(room, id, bytes, maxRoomBytes);
    if (put === 'full') throw new ApiError(507, 'room_full', `room ${room} keeps at most ${maxRoomBytes} bytes of pictures`);
    res.writeHead(put === 'stored' ? 201 : 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ id, src: assetSrc(id), type, bytes: bytes.byteLength }));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, store: AssetIO, room: string, id: string): Promise<void> => {
    if (!isAssetId(id)) throw new ApiError(404, 'asset_not_found', 'an asset id is 64 lowercase hex digits');
    const etag = `"${id}"`;
    const bytes = await store.getAsset(room, id);
    if (!bytes) throw new ApiError(404, 'asset_not_found', `room ${room} has no asset ${id}`);
    const headers = {
      'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable`,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    };
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, headers).end();
    res.writeHead(200, { ...headers, 'Content-Type': pictureType(bytes) ?? 'application/octet-stream', 'Content-Length': bytes.byteLength });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, room: string, id: string | undefined): Promise<void> => {
    // The preflight of an upload or of an export's fetch.
    if (preflight(options.allowedOrigins, req, res, 'pictures')) return;
    if (!isValidRoomId(room)) throw new ApiError(400, 'room_invalid', 'a room id is 1-128 of A-Z a-z 0-9 _ . ~ -');
    if (!assets) throw new ApiError(501, 'assets_unsupported', 'this server’s document store keeps no assets');
    const method = req.method ?? '';
    if (id === undefined && method === 'POST') return upload(req, res, assets, room);
    if (id !== undefined && (method === 'GET' || method === 'HEAD')) return serve(req, res, assets, room, id);
    res.setHeader('Allow', id === undefined ? 'POST' : 'GET, HEAD');
    throw new ApiError(405, 'method_not_allowed', `${method} is not ${id === undefined ? 'POST' : 'GET'} here`);
  };

  return roomRoutes(base, handle);
}
