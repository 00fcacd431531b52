/**
 * `kuiper serve --collab`: rooms with shared documents and presence from `@kuiper/collab`, on an
 * embedded LevelDB store in `--data` (default `./.kuiper-data`) or, with `--redis`, on that Redis.
 * @kuiper/collab depends on this package, not the reverse: it is loaded only when asked for, from
 * where the user installed it next to @kuiper/server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KuiperServer } from './server.js';
import type { OriginCheck } from './transports/origin.js';

export interface CollabCliOptions {
  /** The LevelDB directory, when there is no Redis. */
  data: string;
  redis?: string;
  /** Seed nodes of a Redis Cluster (`--redis-cluster`): the store's keys carry each room's hash tag. */
  redisCluster?: { host: string; port: number }[];
  redisPrefix?: string;
  /** [SERVE-8] Serve the documents over HTTP to requests bearing this key. */
  apiKey?: string;
  /**
   * [SERVE-8] The rooms' pictures' limits (COLLAB-47): `--max-asset-bytes`, `--max-room-asset-bytes`;
   * how long an unused one is kept (COLLAB-48): `--keep-unused-assets-days`.
   */
  assets?: { maxBytes?: number; maxRoomBytes?: number; allowedOrigins?: OriginCheck; unusedForMs?: number };
  /** [SERVE-8] The versions' limits (COLLAB-50): `--version-every-minutes`, `--versions-kept`, `--max-room-version-bytes`. */
  versions?: { everyMs?: number; keep?: number; maxRoomBytes?: number; allowedOrigins?: OriginCheck };
}

export interface CollabFromCli {
  /** Detaches the rooms and closes their store. */
  detach(): Promise<void>;
  /** The rooms' pictures (COLLAB-47, `/kuiper-assets`), their versions (COLLAB-50, `/kuiper-versions`) and, with an API key, the documents' HTTP API (COLLAB-43). */
  api: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Attaches rooms; resolves with what detaches them and closes their store. */
export async function attachCollabFromCli(server: KuiperServer, options: CollabCliOptions): Promise<CollabFromCli> {
  let collab: typeof import('@kuiper/collab/server');
  try {
    collab = await import('@kuiper/collab/server');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`--collab needs @kuiper/collab installed next to @kuiper/server (npm install @kuiper/collab): ${reason}`);
  }
  if (options.redis === undefined && options.redisCluster === undefined) {
    const store = new (await import('@kuiper/collab/stores/level')).LevelStore({ location: options.data });
    await store.open(); // a directory it cannot use fails the start, not the first room
    const attached = collab.attachCollab(server, { store, ...(options.assets ? { assets: options.assets } : {}), ...(options.versions ? { versions: options.versions } : {}) });
    return {
      detach: async () => {
        await attached.detach();
        await store.close();
      },
      ...withApi(collab, attached, options.apiKey),
    };
  }
  // The documents live next to the sessions, so every node serves the same rooms.
  const { Cluster, Redis } = await import('ioredis');
  const redis = options.redisCluster ? new Cluster(options.redisCluster) : new Redis(options.redis ?? '');
  const store = new (await import('@kuiper/collab/stores/redis')).RedisStore({ client: redis, prefix: `${options.redisPrefix ?? 'kuiper:'}collab` });
  const attached = collab.attachCollab(server, { store, ...(options.assets ? { assets: options.assets } : {}), ...(options.versions ? { versions: options.versions } : {}) });
  return {
    detach: async () => {
      await attached.detach();
      await redis.quit();
    },
    ...withApi(collab, attached, options.apiKey),
  };
}

type CollabModule = typeof import('@kuiper/collab/server');

function withApi(collab: CollabModule, attached: ReturnType<CollabModule['attachCollab']>, apiKey: string | undefined): Pick<CollabFromCli, 'api'> {
  const documents = apiKey === undefined ? undefined : collab.documentsApi(attached, { apiKey });
  return { api: (req, res) => attached.assets(req, res) || attached.versions(req, res) || documents?.(req, res) === true };
}
