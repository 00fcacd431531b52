/**
 * [COLLAB-47] A room's pictures on the client: `upload` sends one to the server's assets handler
 * (`collab.assets`) as this room member, `url` says where an `asset:<id>` picture is fetched from.
 * Plain `fetch`, so it runs wherever the room does (browser, Node, workers).
 */
import { assetIdOf } from '../protocol/assets.js';
import { collabError, describeThrown, type Result } from '../protocol/errors.js';

export interface RoomAssets {
  /**
   * Stores `picture` (PNG, JPEG, WebP or GIF) as the room's asset; resolves with the image shape's
   * `src` (`asset:<id>`), or why not: `asset_refused` when the server said no (its reason), else
   * `asset_unavailable` (offline, not connected, a server error) — a picture can then stay inline.
   * The server refuses what is no picture, too large, from a reader, or past the room's limit.
   */
  upload(picture: Blob): Promise<Result<string>>;
  /** The URL of an `asset:<id>` src in this room; undefined for any other src. */
  url(src: string): string | undefined;
}

export interface RoomAssetsOptions {
  /** The server's `assets.basePath`, absolute or relative to the page (`/kuiper-assets`). */
  baseUrl: string;
  /** The room member's Bayeux clientId now (its credential), undefined while not connected. */
  clientId(): string | undefined;
  fetch?: typeof fetch;
}

/**
 * The server's answers that this picture will not be taken, however often it is sent. Anything else
 * (no such route, a store without assets, a member not yet joined or a clientId from before a
 * reconnect, a server error) leaves the picture inline.
 */
const REFUSALS = new Set(['body_too_large', 'asset_type', 'read_only', 'room_full']);

export function createRoomAssets(room: string, options: RoomAssetsOptions): RoomAssets {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/${room}`;
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const unavailable = (why: string): Result<string> => ({ ok: false, error: collabError('asset_unavailable', `picture not uploaded: ${why}`) });
  return {
    async upload(picture) {
      const clientId = options.clientId();
      if (clientId === undefined) return unavailable('not connected');
      let response: Response;
      try {
        response = await send(base, { method: 'POST', body: picture, headers: { 'X-Kuiper-Client': clientId, 'Content-Type': picture.type || 'application/octet-stream' } });
      } catch (thrown) {
        return unavailable(describeThrown(thrown));
      }
      const body = (await response.json().catch(() => ({}))) as { src?: unknown; error?: unknown; message?: unknown };
      if (response.ok && typeof body.src === 'string' && assetIdOf(body.src) !== undefined) return { ok: true, value: body.src };
      const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
      return typeof body.error === 'string' && REFUSALS.has(body.error) ? { ok: false, error: collabError('asset_refused', message) } : unavailable(message);
    },
    url(src) {
      const id = assetIdOf(src);
      return id === undefined ? undefined : `${base}/${id}`;
    },
  };
}
